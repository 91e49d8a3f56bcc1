"""The property CNN's network: heads that see only their area, sizes, the scoring copy."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ohlora.properties.columns import PROPERTIES
from ohlora.scorers.cnn.areas import area_set, box
from ohlora.scorers.cnn.network import HEAD_OF, PropertyCNN, default_architecture, for_inference
from tests.scorers.cnn.models import SPEC_256, tiny_arch


@pytest.mark.parametrize("areas", ["spec", "context"])
def test_each_head_sees_only_its_own_area(areas):
    """The gradient of a head's output is zero outside its area, and reaches its corners."""
    arch = tiny_arch(areas)
    model = PropertyCNN(arch).eval()
    x = torch.randn(1, 3, 64, 64, requires_grad=True)
    out = model(x)
    assert out.shape == (1, 7)
    for j, prop in enumerate(PROPERTIES):
        (g,) = torch.autograd.grad(out[0, j], x, retain_graph=True)
        support = g.abs().sum((0, 1)) > 0
        head = HEAD_OF[prop]
        x0, x1, y0, y1 = box(area_set(areas)[head], 64)
        inside = torch.zeros_like(support)
        inside[y0:y1, x0:x1] = True
        assert not (support & ~inside).any(), f"{prop} looks outside its area"
        # pooling may drop a remainder row/column; the area's top-left corner always counts
        assert support[y0, x0] and support[y0:y1, x0:x1].float().mean() > 0.8, prop


def test_areas_scale_to_256_with_pooling():
    arch = default_architecture(256, "spec")
    eyes = next(h for h in arch.heads if h.name == "eyes")
    assert box(eyes.area, 256) == SPEC_256["eyes"]
    assert eyes.pool == 3 and eyes.input_size(256) == (16, 42)
    model = PropertyCNN(arch).eval()
    with torch.no_grad():
        assert model(torch.zeros(2, 3, 256, 256)).shape == (2, 7)


def test_the_scoring_copy_computes_the_same_function():
    """Batch norm folded into the convolutions, pooling before the activation: same outputs."""
    torch.manual_seed(1)
    arch = default_architecture(64, "context", small_first_convs=2)
    model = PropertyCNN(arch)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(-2, 2)  # negative scales too: pooling order must not matter
                m.running_mean.uniform_(-1, 1)
                m.running_var.uniform_(0.5, 2)
    model.eval()
    fast = for_inference(model)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in fast.modules())
    x = torch.rand(6, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        np.testing.assert_allclose(fast(x).numpy(), model(x).numpy(), rtol=1e-4, atol=1e-5)
