"""An editor over a run: the options of `EditParams` reach the editor it opens."""

from __future__ import annotations

import pytest

from ohlora.editing.params import DEFAULT_SOFT_TURN, EditParams
from ohlora.editing.run_editor import open_editor


@pytest.mark.parametrize(
    ("options", "method", "soft", "hard"),
    [
        ({}, "local", {}, {}),  # turns as asked by default
        ({"soft_turn": 1.5}, "local", {"pose": 1.5}, {}),
        ({"soft_turn": 1.0, "max_turn": 0.8}, "local", {"pose": 1.0}, {"pose": 0.8}),
        ({"method": "calibrated", "soft_turn": 2.5}, "calibrated", {"pose": 2.5}, {}),
        # the original's rule adds the asked value as it is: nothing eases it
        ({"method": "seed", "soft_turn": 1.5}, "seed", {}, {}),
    ],
)
def test_turn_limits_reach_the_editor(small_run, options, method, soft, hard):
    assert DEFAULT_SOFT_TURN == 0.0  # the rows above assume turns as asked by default
    editor = open_editor(small_run, EditParams(refine=0, workers=0, **options))
    try:
        assert (editor.method, editor.soft_change, editor.max_change) == (method, soft, hard)
    finally:
        editor.close()


@pytest.mark.parametrize(
    ("options", "carry"),
    [
        ({}, (0.8, 0.0, 4)),  # the default: the 4 px map, nothing carried into the regions
        ({"carry": 0.5, "region_carry": 0.5, "carry_res": 8}, (0.5, 0.5, 8)),  # before
    ],
)
def test_carry_options_reach_the_renderer(small_run, options, carry):
    editor = open_editor(small_run, EditParams(refine=0, workers=0, **options))
    try:
        assert editor.local is not None
        assert (editor.local.carry, editor.local.region_carry, editor.local.carry_res) == carry
    finally:
        editor.close()
