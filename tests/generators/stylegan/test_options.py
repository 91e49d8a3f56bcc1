"""Generator specs: `NAME:key=value,...` carries StyleGAN inference options through a run."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora import generators
from ohlora.errors import OhloraError
from tests.generators.stylegan.random_weights import random_stylegan


def test_parse_spec_maps_short_keys():
    name, opts = generators.parse_spec(
        "stylegan-celeba-partial-256:psi=1.0,layers=4,mixing=0.9,noise=random,seed=3"
    )
    assert name == "stylegan-celeba-partial-256"
    assert opts == {
        "trunc_psi": 1.0,
        "trunc_layers": 4,
        "style_mixing_prob": 0.9,
        "randomize_noise": True,
        "seed": 3,
    }
    assert generators.parse_spec("dcgan-digiface-64") == ("dcgan-digiface-64", {})


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        ("stylegan-celeba-partial-256:psi", "write NAME:key=value"),
        ("stylegan-celeba-partial-256:gamma=2", "keys psi, layers"),
        ("stylegan-celeba-partial-256:psi=abc", "psi='abc' is not a number"),
        ("stylegan-celeba-partial-256:noise=maybe", "noise=random or noise=fixed"),
        ("dcgan-digiface-64:psi=0.5", "takes no generator options"),
    ],
)
def test_bad_specs_say_what_to_write(spec, match):
    with pytest.raises(OhloraError, match=match):
        generators.load(spec)


def test_spec_options_reach_the_stylegan():
    _, far = generators.parse_spec("x:psi=1.0,layers=8")
    _, avg = generators.parse_spec("x:psi=0.0,layers=8")
    g1 = random_stylegan(resolution=8, seed=0, **far)
    g0 = random_stylegan(resolution=8, seed=0, **avg)
    z = g1.sample_latents(3, 5)
    a, b = g1.synthesize(z), g0.synthesize(z)
    assert a.shape == b.shape == (3, 8, 8, 3)
    assert not np.array_equal(a, b)
    # psi 0 on every layer pulls each face to the average face: all three become one
    _, all_avg = generators.parse_spec(f"x:psi=0.0,layers={g0.num_layers}")
    same = random_stylegan(resolution=8, seed=0, **all_avg).synthesize(z)
    assert np.abs(same.astype(int) - same[:1]).max() <= 1
