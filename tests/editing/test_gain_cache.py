"""The local gains' disk cache: a second editor over the same run reads the gains instead of
calibrating, anything the gains depend on changes the key, and a damaged or unwritable cache
costs a calibration, never an error."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest

from ohlora.editing import gain_cache
from ohlora.editing.editor import Editor
from ohlora.editing.local import LocalRenderer
from ohlora.faces.regions import RegionShape
from ohlora.scorers.meter import open_meter
from ohlora.vectorfind.directions import load_directions

CALIBRATION = {"faces": 16, "seed": 1, "step": 2.0}


@pytest.fixture
def parts(small_run, dcgan):
    d = load_directions(small_run, None)
    meter = open_meter(small_run, "mesh", workers=0)
    yield dcgan, d, LocalRenderer(dcgan, carry=0.5, region_carry=0.5), meter
    meter.close()


def _fingerprint() -> tuple[np.ndarray, np.ndarray]:
    images = np.random.default_rng(0).integers(0, 256, (2, 64, 64, 3), dtype=np.uint8)
    return images, np.array([[0.1, np.nan], [0.2, 0.3]], np.float32)


def test_the_key_names_everything_the_gains_depend_on(parts):
    g, d, r, meter = parts
    images, readings = _fingerprint()
    key = gain_cache.gains_key(g, d, r, meter, CALIBRATION, (images, readings))
    assert key == gain_cache.gains_key(g, d, r, meter, dict(CALIBRATION), (images, readings))
    # a reading that differs in its last bits is the same meter
    assert key == gain_cache.gains_key(g, d, r, meter, CALIBRATION, (images, readings + 1e-7))

    moved = copy.deepcopy(d)
    moved.sets["all"].vectors[0, 0] += 1e-3
    other_images = images.copy()
    other_images[0, 0, 0, 0] ^= 1
    other_norm = copy.copy(meter)
    other_norm.normalisation = dataclasses.replace(
        meter.normalisation, mean=meter.normalisation.mean + 0.01
    )
    changed = {
        "directions": (g, moved, r, meter, CALIBRATION, (images, readings)),
        "carry": (
            g,
            d,
            LocalRenderer(g, carry=0.4, region_carry=0.5),
            meter,
            CALIBRATION,
            (images, readings),
        ),
        "region carry": (
            g,
            d,
            LocalRenderer(g, carry=0.5, region_carry=1.0),
            meter,
            CALIBRATION,
            (images, readings),
        ),
        "turn carry": (
            g,
            d,
            LocalRenderer(g, carry=0.5, region_carry=0.5, turn_carry=1.0),
            meter,
            CALIBRATION,
            (images, readings),
        ),
        "carry map size": (
            g,
            d,
            LocalRenderer(g, carry=0.5, region_carry=0.5, carry_res=8),
            meter,
            CALIBRATION,
            (images, readings),
        ),
        "region shape": (
            g,
            d,
            LocalRenderer(g, carry=0.5, region_carry=0.5, shape=RegionShape(pad=0.15)),
            meter,
            CALIBRATION,
            (images, readings),
        ),
        "blend size": (
            g,
            d,
            LocalRenderer(g, res=32, carry=0.5, region_carry=0.5),
            meter,
            CALIBRATION,
            (images, readings),
        ),
        "normalisation": (g, d, r, other_norm, CALIBRATION, (images, readings)),
        "calibration": (g, d, r, meter, {**CALIBRATION, "step": 1.0}, (images, readings)),
        "rendered face": (g, d, r, meter, CALIBRATION, (other_images, readings)),
        "meter reading": (g, d, r, meter, CALIBRATION, (images, readings + 0.01)),
    }
    keys = {what: gain_cache.gains_key(*args) for what, args in changed.items()}
    same = [what for what, k in keys.items() if k == key]
    assert not same, f"the key ignores {same}"


def test_damaged_and_unwritable_caches_are_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("OHLORA_HOME", str(tmp_path / "home"))
    assert gain_cache.load_gains("abc") is None
    gain_cache.store_gains("abc", {"eyes": 0.5})
    assert gain_cache.load_gains("abc") == {"eyes": 0.5}
    assert gain_cache.load_gains("abd") is None
    path = gain_cache.cache_file("abc")
    path.write_text('{"format": "ohlora-local-gains/1", "gains": ')  # cut off mid-write
    assert gain_cache.load_gains("abc") is None
    path.write_text('{"format": "ohlora-local-gains/1", "key": "other", "gains": {"eyes": 1}}')
    assert gain_cache.load_gains("abc") is None  # a file renamed onto another key
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("OHLORA_HOME", str(blocked))  # the cache root is a file
    gain_cache.store_gains("abc", {"eyes": 0.5})
    assert gain_cache.load_gains("abc") is None


@pytest.mark.slow
def test_a_second_editor_reads_the_gains_instead_of_calibrating(
    small_run, dcgan, tmp_path, monkeypatch
):
    monkeypatch.setenv("OHLORA_HOME", str(tmp_path / "home"))
    d = load_directions(small_run, None)
    calls = []
    real = Editor._blended_steps

    def spy(self, z, j, name, sizes):
        calls.append(len(z))
        return real(self, z, j, name, sizes)

    monkeypatch.setattr(Editor, "_blended_steps", spy)
    gains = []
    for carry in (0.5, 0.5, 0.0):
        editor = Editor(
            dcgan,
            d,
            meter=open_meter(small_run, "mesh", workers=0),
            refine=0,
            method="local",
            local=LocalRenderer(dcgan, carry=carry, region_carry=0.5),
        )
        try:
            calls.clear()
            gains.append(editor.local_gains())
            gains.append(editor.local_gains())  # once per editor, then from memory
            faces = list(calls)
        finally:
            editor.close()
        if len(gains) == 2:  # the first editor calibrates: the fingerprint and both regions
            assert faces == [1, 16, 16], faces
        elif len(gains) == 4:  # the second reads the gains the first wrote
            assert faces == [1], faces
        else:  # another carry is another calibration
            assert faces == [1, 16, 16], faces
    assert set(gains[0]) == {"eyes", "mouth"}
    assert gains[0] == gains[1] == gains[2] == gains[3]
    assert gains[4] != gains[0]
    assert len(list((tmp_path / "home" / "calibration").glob("local-gains-*.json"))) == 2
