"""The StyleGAN generator: its three spaces, its options (truncation, mixing, noise), errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from ohlora import weights
from ohlora.errors import OhloraError
from ohlora.generators.stylegan.arch import StyleGANArch
from ohlora.generators.stylegan.generator import StyleGANGenerator
from ohlora.generators.stylegan.registry import WEIGHTS_NAME
from tests.generators.stylegan.random_weights import TINY, random_stylegan


def test_the_three_spaces_agree(tiny):
    z = tiny.sample_latents(4, 11)
    a = tiny.synthesize(z)
    b = tiny.synthesize(tiny.to_space(z, "w"), "w")
    c = tiny.synthesize(tiny.to_space(z, "w+"), "w+")
    assert a.shape == (4, 16, 16, 3) and a.dtype == np.uint8
    assert np.abs(a.astype(int) - b).max() <= 1 and np.abs(a.astype(int) - c).max() <= 1
    assert len(np.unique(a)) > 50
    assert tiny.latent_shape("w+") == (6, 8)


def test_style_mixing_is_seeded_and_per_sample(tiny):
    z = tiny.sample_latents(4, 7)
    plain = tiny.synthesize(z)
    tiny.style_mixing_prob, tiny.trunc_psi = 1.0, 1.0
    mixed = tiny.synthesize(z)
    assert np.abs(mixed.astype(int) - tiny.synthesize(z)).max() == 0  # same seed, same call
    assert (np.abs(mixed.astype(int) - plain).reshape(4, -1).max(1) > 0).all()
    tiny.batch_size = 1
    np.testing.assert_array_equal(tiny.synthesize(z), mixed)  # independent of batching
    tiny.seed = 1
    assert not np.array_equal(tiny.synthesize(z), mixed)

    seen: list[torch.Tensor] = []
    hook = tiny.net.synthesis.register_forward_pre_hook(lambda m, a: seen.append(a[0].clone()))
    try:
        tiny.synthesize(z)
    finally:
        hook.remove()
    wp, w = torch.cat(seen).numpy(), tiny.to_space(z, "w")
    for i in range(4):  # rows 0..c-1 are this sample's w, rows c.. one other w, 1 <= c <= 5
        same = np.all(np.isclose(wp[i], w[i], atol=1e-6), axis=1)
        c = int(np.argmin(same))
        assert 1 <= c <= 5 and same[:c].all() and not same[c:].any()
        assert np.allclose(wp[i, c:], wp[i, c])


def test_noise_fixed_or_seeded(tiny):
    z = tiny.sample_latents(2, 1)
    fixed = tiny.synthesize(z)
    tiny.seed = 5
    np.testing.assert_array_equal(tiny.synthesize(z), fixed)  # the seed plays no part
    tiny.randomize_noise = True
    r5 = tiny.synthesize(z)
    np.testing.assert_array_equal(tiny.synthesize(z), r5)
    tiny.seed = 6
    r6 = tiny.synthesize(z)
    assert np.abs(r5.astype(int) - r6).mean() > 0.5
    assert np.abs(r5.astype(int) - fixed).mean() > 0.5


def test_bad_options_and_latents_are_one_line_errors(tiny, home):
    with pytest.raises(OhloraError, match="unknown StyleGAN option trunc"):
        StyleGANGenerator.pretrained(trunc=0.5)
    with pytest.raises(OhloraError, match=r"style_mixing_prob 2\.0 is out of range"):
        random_stylegan(16, arch=TINY, style_mixing_prob=2)
    with pytest.raises(OhloraError, match=r"expects w\+ latents of shape \(N, 6, 8\)"):
        tiny.synthesize(np.zeros((1, 8), np.float32), "w+")
    with pytest.raises(OhloraError, match="not a power of two"):
        StyleGANArch(resolution=48)
    with pytest.raises(OhloraError, match="unknown StyleGAN option psi"):
        random_stylegan(16, arch=TINY, psi=1.0)


def test_a_corrupt_cache_is_one_clear_error(tmp_path):
    (tmp_path / weights.CONFIG_FILE).write_text(json.dumps({"resolution": 16, **TINY}))
    (tmp_path / weights.MODEL_FILE).write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}garbage")
    with pytest.raises(OhloraError, match=f"ohlora weights import {WEIGHTS_NAME} FILE"):
        StyleGANGenerator.from_dir(tmp_path)


@pytest.mark.slow
def test_256_synthesis_on_cpu():
    g = random_stylegan(256, seed=0)
    images = g.synthesize(g.sample_latents(2, 0))
    assert images.shape == (2, 256, 256, 3) and images.dtype == np.uint8
    assert images.std() > 10 and not np.array_equal(images[0], images[1])
