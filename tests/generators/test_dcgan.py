"""The embedded DCGAN reproduces reference pixels of the registry weights for fixed seeds."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ohlora.errors import OhloraError
from ohlora.generators.dcgan import DCGANNet
from ohlora.generators.seeds import latent_for_seed

# Recorded once from the registry weights (gan-face-generate 1.1.1), seeds 0..3. Tolerance of
# one grey level allows for other CPUs' float rounding; a wrong layer or weight moves far more.
REFERENCE_PIXELS = [[51, 34, 28], [79, 68, 62], [33, 37, 42]]
REFERENCE_MEANS = [53.418, 59.519, 114.077, 97.109]


def test_state_dict_keys_match_published_layout():
    keys = set(DCGANNet().state_dict())
    convs = {f"main.{i}.weight" for i in (0, 3, 6, 9, 12)}
    norms = {
        f"main.{i}.{k}"
        for i in (1, 4, 7, 10)
        for k in ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")
    }
    assert keys == convs | norms


def test_seed_rule():
    z = latent_for_seed(5, 100)
    assert z.dtype == np.float32 and z.shape == (100,)
    np.testing.assert_array_equal(
        z, np.random.default_rng(5).standard_normal(100).astype(np.float32)
    )
    with pytest.raises(OhloraError):
        latent_for_seed(-1, 100)


def test_reference_pixels(dcgan):
    imgs = dcgan.synthesize(dcgan.sample_latents(4, 0))
    assert imgs.shape == (4, 64, 64, 3) and imgs.dtype == np.uint8
    # A few pixels, recorded once from the published weights.
    got = np.array([imgs[0, 32, 32], imgs[1, 10, 50], imgs[3, 60, 5]], int)
    assert np.abs(got - np.array(REFERENCE_PIXELS)).max() <= 1
    means = imgs.reshape(4, -1).mean(1)
    np.testing.assert_allclose(means, REFERENCE_MEANS, atol=0.05)


def test_batching_is_deterministic(dcgan):
    z = dcgan.sample_latents(70, 123)
    a = dcgan.synthesize(z)
    b = np.concatenate([dcgan.synthesize(z[:1]), dcgan.synthesize(z[1:])])
    assert np.abs(a.astype(int) - b.astype(int)).max() <= 1


def test_wrong_latent_shape_is_one_clear_error(dcgan):
    with pytest.raises(OhloraError, match="expects z latents of shape"):
        dcgan.synthesize(np.zeros((2, 99), np.float32))
    with pytest.raises(OhloraError, match="offers latent spaces"):
        dcgan.synthesize(np.zeros((2, 100), np.float32), space="w")


def test_differentiable_path(dcgan):
    z = torch.zeros(1, 100, requires_grad=True)
    dcgan.synthesize_torch(z).mean().backward()
    assert z.grad is not None and torch.isfinite(z.grad).all()
