"""The deliberate breaks of `scripts/mutate.py` still apply to the code they name.

A mutant whose text has moved stops the whole mutation run when it comes up (four had, after
their code was rewritten), so each one's `old` text must be found, at its `nth` occurrence,
in its file, and its tests must exist.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _mutants() -> list:
    spec = importlib.util.spec_from_file_location("mutate", ROOT / "scripts" / "mutate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutate"] = module  # dataclasses look their module up while building
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules["mutate"]
    return list(module.MUTANTS)


MUTANTS = _mutants()


def test_the_list_is_not_empty_and_ids_are_unique():
    ids = [m.id for m in MUTANTS]
    assert len(ids) > 100
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("m", MUTANTS, ids=lambda m: m.id)
def test_each_mutant_still_applies(m):
    text = (ROOT / "src" / m.file).read_text()
    assert text.count(m.old) >= m.nth, f"{m.id}: {m.old!r} not in {m.file}: update the list"
    assert m.new != m.old
    for t in m.tests:
        assert (ROOT / t).exists(), f"{m.id}: no {t}"
