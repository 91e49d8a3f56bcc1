"""Direction finding recovers planted linear properties; editing hits asked targets."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.editing.editor import Editor
from ohlora.errors import OhloraError
from ohlora.scorers.meter import PropertyMeter
from ohlora.store.samples import Samples
from ohlora.vectorfind.find import find_directions
from tests.planted import PROPS, IdentityNormalisation, PlantedGenerator, PlantedScorer

COLS = {p: f"planted.{p}" for p in PROPS}


def _samples(gen: PlantedGenerator, n: int) -> Samples:
    z = gen.sample_latents(n, 0)
    res = PlantedScorer().score(gen.synthesize(z))
    return Samples(
        index=np.arange(n),
        seed=np.arange(n),
        z=z,
        raw=res.raw,
        found=res.found,
        columns=PlantedScorer.columns,
        normalised=res.raw,
    )


@pytest.fixture(scope="module")
def planted():
    gen = PlantedGenerator()
    d, warnings = find_directions(
        _samples(gen, 3000),
        gen,
        space="z",
        steered=["eyes", "mouth", "pose"],
        kept=[],
        k=0.2,
        algorithm="planted",
        property_columns=COLS,
        normalisation={},
    )
    return gen, d, warnings


def test_directions_recover_planted_vectors(planted):
    gen, d, warnings = planted
    assert warnings == []
    for i, p in enumerate(["eyes", "mouth", "pose"]):
        cos = float(d.sets["all"].vector(p) @ gen.directions[i])
        assert cos > 0.99, (p, cos)
        assert d.sets["all"].stats[p]["val_accuracy"] > 0.95


def test_positive_step_raises_the_score(planted):
    gen, d, _ = planted
    z = gen.sample_latents(50, 10_000)
    for i, p in enumerate(["eyes", "mouth", "pose"]):
        before = z @ gen.directions[i]
        after = (z + 0.5 * d.sets["all"].vector(p)) @ gen.directions[i]
        assert np.all(after > before)
        assert np.all(d.sets["all"].slopes()[i, i] > 0)


@pytest.mark.parametrize("refine", [0, 2])
def test_editing_hits_asked_targets(planted, refine):
    gen, d, _ = planted
    meter = PropertyMeter(PlantedScorer(), IdentityNormalisation(), COLS)
    editor = Editor(gen, d, meter=meter, refine=refine)
    rng = np.random.default_rng(1)
    n = 60
    targets = {p: rng.uniform(-2, 2, n) for p in ["eyes", "mouth", "pose"]}
    res = editor.edit(gen.sample_latents(n, 5000), targets)
    measured = meter.measure(res.images)
    for j, p in enumerate(["eyes", "mouth", "pose"]):
        corr = np.corrcoef(targets[p], measured[:, j])[0, 1]
        assert corr > 0.99, (p, corr)
        assert np.abs(targets[p] - measured[:, j]).mean() < 0.1


def test_unasked_properties_stay(planted):
    gen, d, _ = planted
    meter = PropertyMeter(PlantedScorer(), IdentityNormalisation(), COLS)
    editor = Editor(gen, d, meter=meter, refine=0)
    z = gen.sample_latents(40, 7000)
    before = meter.measure(gen.synthesize(z))
    res = editor.edit(z, {"eyes": np.full(40, 1.5)})
    after = meter.measure(res.images)
    np.testing.assert_allclose(after[:, 0], 1.5, atol=0.1)
    np.testing.assert_allclose(after[:, 1:3], before[:, 1:3], atol=0.1)


def test_save_load_round_trip(planted, tmp_path):
    from ohlora.vectorfind.directions import Directions

    _, d, _ = planted
    d.save(tmp_path)
    back = Directions.load(tmp_path)
    np.testing.assert_array_equal(back.sets["all"].vectors, d.sets["all"].vectors)
    np.testing.assert_array_equal(back.sets["all"].response_b, d.sets["all"].response_b)
    assert back.steered == d.steered and back.latent_shape == d.latent_shape


def test_directions_saved_before_the_model_folder_format_load(planted, tmp_path):
    import json

    from ohlora.vectorfind.directions import Directions

    _, d, _ = planted
    d.save(tmp_path)
    meta_path = tmp_path / "directions.json"
    meta = json.loads(meta_path.read_text())
    for key in ("format", "model_file", "model_sha256", "ohlora_version"):
        meta.pop(key)  # the old layout had no digest
    meta_path.write_text(json.dumps(meta))
    back = Directions.load(tmp_path)
    np.testing.assert_array_equal(back.sets["all"].vectors, d.sets["all"].vectors)
    d.save(tmp_path)  # a new save records the digest: altered vectors are refused
    data = bytearray((tmp_path / "directions.safetensors").read_bytes())
    data[-1] ^= 0xFF
    (tmp_path / "directions.safetensors").write_bytes(bytes(data))
    with pytest.raises(OhloraError, match="does not match the sha256"):
        Directions.load(tmp_path)
