"""The editor hits asked targets and keeps unasked properties, in z, w and w+."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pytest

from ohlora.editing.editor import Editor
from ohlora.scorers.meter import PropertyMeter
from ohlora.store.samples import Samples
from ohlora.vectorfind.find import find_directions
from tests.generators.stylegan.random_weights import random_stylegan
from tests.planted import (
    COLS,
    IdentityNormalisation,
    PlantedScorer,
    find_planted,
)

ARCH = {
    "z_dim": 16,
    "w_dim": 16,
    "mapping_layers": 2,
    "mapping_fmaps": 16,
    "fmaps_base": 256,
    "fmaps_max": 16,
}


@pytest.fixture(scope="module")
def planted():
    return find_planted()


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


@dataclass
class _Result:
    raw: np.ndarray
    found: np.ndarray


class BrightnessScorer:
    """'eyes' = brightness of the top half, 'mouth' = redness (red minus blue): smooth image
    properties the directions must find without knowing them."""

    columns: ClassVar[list[str]] = ["b.top", "b.red"]

    def score(self, images: np.ndarray) -> _Result:
        x = images.astype(np.float32)
        top = x[:, : x.shape[1] // 2].mean((1, 2, 3))
        red = (x[..., 0] - x[..., 2]).mean((1, 2))
        return _Result(np.stack([top, red], 1), np.ones(len(images), bool))

    def close(self) -> None:
        pass


BRIGHTNESS_COLS = {"eyes": "b.top", "mouth": "b.red"}


@pytest.fixture(scope="module")
def setup():
    g = random_stylegan(16, seed=3, arch=ARCH, trunc_psi=1.0)
    g.batch_size = 500
    z = g.sample_latents(1500, 0)
    raw = BrightnessScorer().score(g.synthesize(z)).raw
    mu, sd = raw.mean(0), raw.std(0)
    norm = (raw - mu) / sd

    class Norm(IdentityNormalisation):
        def apply(self, r, columns):
            return (r - mu) / sd

    s = Samples(
        index=np.arange(1500),
        seed=np.arange(1500),
        z=z,
        raw=raw,
        found=np.ones(1500, bool),
        columns=BrightnessScorer.columns,
        normalised=norm,
    )
    return g, s, PropertyMeter(BrightnessScorer(), Norm(), BRIGHTNESS_COLS)


@pytest.mark.parametrize("space", ["w", "w+"])
def test_edit_in_mapped_spaces(setup, space):
    g, s, meter = setup
    d, _ = find_directions(
        s,
        g,
        space=space,
        steered=["eyes"],
        kept=["mouth"],
        k=0.2,
        algorithm="b",
        property_columns=BRIGHTNESS_COLS,
        normalisation={},
    )
    assert d.sets["all"].vectors.shape == (2, 16)
    assert d.latent_shape == ((16,) if space == "w" else (g.latent_shape("w+")))
    editor = Editor(g, d, meter=meter, refine=2)
    z = g.sample_latents(40, 50_000)
    lat = g.to_space(z, space)
    targets = np.linspace(-1.5, 1.5, 40)
    res = editor.edit(lat, {"eyes": targets})
    got = meter.measure(res.images)[:, 0]
    assert np.corrcoef(targets, got)[0, 1] > 0.9


def test_w_plus_direction_moves_only_chosen_layers(setup):
    g, s, meter = setup
    d, _ = find_directions(
        s,
        g,
        space="w+",
        steered=["eyes"],
        kept=[],
        k=0.2,
        algorithm="b",
        property_columns=BRIGHTNESS_COLS,
        normalisation={},
        layers=[0, 1, 2, 3],
    )
    editor = Editor(g, d, meter=meter, refine=0)
    lat = g.to_space(g.sample_latents(5, 60_000), "w+")
    res = editor.edit(lat, {"eyes": np.full(5, 1.0)})
    moved = np.abs(res.latents - lat).max(axis=(0, 2))
    assert (moved[:4] > 0).all() and (moved[4:] == 0).all()
