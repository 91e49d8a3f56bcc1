"""Each FineTune version's tiny configuration trains on a fixed batch: losses finite and the
watched loss falling; and a saved fine-tuned model reloads bit-identically."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from ohlora.errors import OhloraError
from ohlora.finetune.model import FineTunedModel
from ohlora.finetune.params import VERSIONS
from ohlora.finetune.versions import make_version
from tests.finetune.tiny import fixed_batch, tiny_context

STEPS = 5


@pytest.mark.parametrize("name", VERSIONS)
def test_a_tiny_version_learns_a_fixed_batch(dcgan, name):
    v = make_version(name, tiny_context(dcgan))
    z, x, c = fixed_batch(v, dcgan, n=4)
    seen = [v.step(z, x, c) for _ in range(STEPS)]
    assert all(math.isfinite(val) for s in seen for val in s.values()), seen
    first = np.mean([s[v.watched] for s in seen[:2]])
    last = np.mean([s[v.watched] for s in seen[-2:]])
    assert last < first, (name, [s[v.watched] for s in seen])


def test_frozen_parts_stay_frozen(dcgan):
    """v1 / v3 train the head only: the DCGAN's convolutions are unchanged by a step."""
    for name in ("v1", "v3"):
        v = make_version(name, tiny_context(dcgan))
        before = {k: t.clone() for k, t in v.G.net.state_dict().items()}
        head = [p.clone() for p in v.G.head.parameters()]
        z, x, c = fixed_batch(v, dcgan, n=4)
        v.step(z, x, c)
        assert all(torch.equal(before[k], t) for k, t in v.G.net.state_dict().items()), name
        assert any(
            not torch.equal(a, b) for a, b in zip(head, v.G.head.parameters(), strict=True)
        ), name


def test_an_untrained_generator_draws_the_base_faces(dcgan):
    v = make_version("v2", tiny_context(dcgan))
    z = torch.from_numpy(dcgan.sample_latents(4, 5))
    with torch.no_grad():
        assert torch.equal(v.G(z, torch.randn(4, len(v.properties))), dcgan.net(z))


def test_v3_without_a_gender_classifier_says_what_to_do(dcgan):
    ctx = tiny_context(dcgan)
    ctx.gender = None
    with pytest.raises(OhloraError, match="train-classifiers"):
        make_version("v3", ctx)


@pytest.mark.parametrize("name", ["v3", "v5"])
def test_a_saved_model_reloads_bit_identically(dcgan, tmp_path, name):
    v = make_version(name, tiny_context(dcgan))
    z, x, c = fixed_batch(v, dcgan, n=4)
    for _ in range(2):
        v.step(z, x, c)
    if name == "v3":
        v.test_latents(4, torch.Generator().manual_seed(0))
        v.choose(1)
    cfg = {"version": name, "properties": list(v.properties), "psi": v.psi}
    FineTunedModel.save(tmp_path, v.G, v.extra_state(), cfg)
    m = FineTunedModel.load(tmp_path)
    for k, t in v.G.state_dict().items():
        assert torch.equal(m.G.state_dict()[k], t), k
    seeds = [11, 12, 13]
    zz = m.latents_for_seeds(seeds)
    asked = {"eyes": np.array([1.0, -1.0, 0.0]), "pose": np.array([0.5, 0.0, -2.0])}
    v.G.eval()
    with torch.no_grad():
        expect = v.G(torch.from_numpy(zz), m.condition(asked, 3))
    from ohlora.generators.base import to_uint8

    assert np.array_equal(m.generate(zz, asked), to_uint8(expect))
    if name == "v3":  # seeds are drawn from the adopted (mu, sigma)
        mu, sigma = v.reference
        raw = dcgan.sample_latents(1, 11)[0]
        assert np.allclose(zz[0], mu.numpy() + sigma.numpy() * raw)
