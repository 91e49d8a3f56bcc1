"""The studio's engine without the page: input validation, open-loop renders, saving, clips."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from ohlora.errors import OhloraError
from ohlora.studio.renderer import FaceRenderer, parse_seed, parse_target


@pytest.mark.parametrize(
    ("value", "seed"), [("7", 7), (" 42 ", 42), (3, 3), (5.0, 5), (str(2**63 - 1), 2**63 - 1)]
)
def test_parse_seed_accepts_whole_numbers_in_range(value, seed):
    assert parse_seed(value) == seed


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "not a whole number"),
        ("1.5", "not a whole number"),
        (2.5, "not a whole number"),
        ("-1", "out of range"),
        (str(2**63), "out of range"),
        ("", "no seed"),
        (None, "no seed"),
    ],
)
def test_parse_seed_rejects_with_a_clear_message(value, message):
    with pytest.raises(OhloraError, match=message):
        parse_seed(value)


@pytest.mark.parametrize("value", ["x", None, float("nan"), float("inf"), 3.5, -3.01])
def test_parse_target_rejects_non_numbers_and_out_of_range(value):
    with pytest.raises(OhloraError, match="eyes"):
        parse_target("eyes", value)


def test_missing_directions_is_a_message_not_a_crash(small_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(small_run, run)
    shutil.rmtree(run / "directions")
    r = FaceRenderer(run)
    with pytest.raises(OhloraError, match="find-directions"):
        r.render(7, 0, 0, 0)
    # once directions appear, the same renderer works without a restart
    shutil.copytree(small_run / "directions", run / "directions")
    assert r.render(7, 0, 0, 0).shape == (64, 64, 3)
    r.close()
    with pytest.raises(OhloraError, match="does not exist"):
        FaceRenderer(tmp_path / "nowhere").render(7, 0, 0, 0)


@pytest.mark.slow
def test_open_loop_renders_save_and_clip(small_run, tmp_path):
    r = FaceRenderer(small_run, out=tmp_path / "out")
    try:
        face = r.face(7)
        assert face.found and set(face.own) == {"eyes", "mouth", "pose"}
        assert r.editor().mirror_turn == 0  # a slider moving across a mirror would flip the face
        at_own = r.render(7, *face.own.values())
        unedited = r.thumbnails([7])[0]
        # the face at its own values is the face itself (an open-loop step of zero)
        assert np.abs(at_own.astype(int) - unedited.astype(int)).max() <= 1
        moved = r.render(7, face.own["eyes"], 2.5, face.own["pose"])
        assert np.abs(moved.astype(int) - at_own.astype(int)).mean() > 1
        assert r.render(7, face.own["eyes"], 2.5, face.own["pose"]) is moved  # cached

        png = r.save(7, 0.5, 1.0, -0.5)
        meta = json.loads(png.with_suffix(".json").read_text())
        assert png.is_file() and meta["seed"] == 7
        assert meta["targets"] == {"eyes": 0.5, "mouth": 1.0, "pose": -0.5}
        assert r.save(7, 0.5, 1.0, -0.5) != png  # never overwrites an earlier save

        gif = r.clip(7, "blink", 1, 6, {"eyes": 0, "mouth": 0, "pose": 0}, size=64)
        assert gif.suffix == ".gif" and gif.is_file()
        with pytest.raises(OhloraError, match="unknown clip"):
            r.clip(7, "dance", 1, 6, {"eyes": 0, "mouth": 0, "pose": 0})
        with pytest.raises(OhloraError, match="fps"):
            r.clip(7, "talk", 1, 500, {"eyes": 0, "mouth": 0, "pose": 0})

        seeds, passing, total = r.filtered_seeds(5)
        assert seeds == [0, 1, 2, 3, 4] and passing == total == 600
        r.filter_expr = "mouth>=1"
        seeds, passing, _ = r.filtered_seeds(500)
        assert 0 < passing < 600 and len(seeds) == passing
        r.filter_expr = "gender>=0.5"
        with pytest.raises(OhloraError, match="classify"):
            r.filtered_seeds(5)
    finally:
        r.close()


def test_a_fine_tuned_generator_renders_at_the_sliders(dcgan, tmp_path):
    """`studio --finetune`: the face of a seed is the model at the asked values, its own
    values are the population mean it was drawn at."""
    from ohlora.finetune.editor import FineTuneEditor
    from ohlora.finetune.model import FineTunedModel
    from ohlora.finetune.versions import make_version
    from tests.finetune.tiny import fixed_batch, tiny_context

    v = make_version("v5", tiny_context(dcgan))
    z, x, c = fixed_batch(v, dcgan, n=4)
    v.step(z, x, c)  # a model that differs from the base DCGAN
    cfg = {"version": "v5", "properties": list(v.properties), "psi": v.psi}
    FineTunedModel.save(tmp_path / "ft", v.G, v.extra_state(), cfg)
    r = FaceRenderer(tmp_path, opener=lambda: FineTuneEditor.open(tmp_path / "ft"))
    try:
        assert r.face(7).own == {"eyes": 0.0, "mouth": 0.0, "pose": 0.0}
        m = FineTunedModel.load(tmp_path / "ft")
        zz = m.latents_for_seeds([7])
        asked = {"eyes": np.array([1.5]), "mouth": np.array([-1.0]), "pose": np.array([0.5])}
        assert np.array_equal(r.render(7, 1.5, -1.0, 0.5), m.generate(zz, asked)[0])
        assert np.array_equal(r.thumbnails([7])[0], m.generate(zz, {})[0])
        assert not np.array_equal(r.render(7, 1.5, -1.0, 0.5), r.render(7, -1.5, 1.0, -0.5))
        with pytest.raises(OhloraError, match="no closed loop"):
            r.refine(7, 1.5, -1.0, 0.5)
        clip = r.clip(7, "talk", 1.0, 4, {"eyes": 0.0, "mouth": 0.0, "pose": 0.0})
        assert clip.is_file()
    finally:
        r.close()
