"""A tiny fine-tuning context for tests: the real embedded DCGAN, small real property and
gender networks (random weights, frozen), and a fixed batch of the DCGAN's own faces."""

from __future__ import annotations

import torch

from ohlora.finetune.version import Context
from ohlora.scorers.cnn.network import PropertyCNN
from tests.classifiers.models import random_model
from tests.scorers.cnn.models import tiny_arch


def tiny_context(dcgan) -> Context:
    torch.manual_seed(0)
    cnn = PropertyCNN(tiny_arch()).eval()
    return Context(dcgan.net, cnn, random_model("gender", "whole", seed=1, folds=2), seed=0)


def fixed_batch(version, dcgan, n: int = 8) -> tuple[torch.Tensor, ...]:
    """z of seeds 0..n-1, their faces, and properties spread like normalised scores (a tiny
    random CNN reads nearly the same values on every face, which would leave nothing to learn)."""
    z = torch.from_numpy(dcgan.sample_latents(n, 0))
    with torch.no_grad():
        x = dcgan.net(z)
    c = torch.randn(n, len(version.properties), generator=torch.Generator().manual_seed(3))
    return z, x, c
