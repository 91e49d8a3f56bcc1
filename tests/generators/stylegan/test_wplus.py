"""Editing w+ on chosen layers leaves the other layers bit-identical."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ohlora.errors import OhloraError
from ohlora.generators.stylegan.wplus import layers_of_resolution, per_layer


def test_per_layer_edit_touches_only_chosen_layers(tiny):
    tiny.trunc_psi = 1.0
    wp = tiny.to_space(tiny.sample_latents(2, 3), "w+")
    offset = np.random.default_rng(0).standard_normal(8).astype(np.float32) * 3
    edited = tiny.edit_w_plus(wp, offset, [2, 3])
    others = [0, 1, 4, 5]
    np.testing.assert_array_equal(edited[:, others], wp[:, others])
    np.testing.assert_allclose(edited[:, [2, 3]], wp[:, [2, 3]] + offset, atol=1e-6)
    before, after = tiny.synthesize(wp, "w+"), tiny.synthesize(edited, "w+")
    assert np.abs(before.astype(int) - after).mean() > 1

    assert layers_of_resolution(8) == (2, 3) and layers_of_resolution(256) == (12, 13)
    fine = per_layer(np.zeros((14, 4), np.float32), np.ones(4), "fine")
    assert fine[:8].sum() == 0 and (fine[8:] == 1).all()
    with pytest.raises(OhloraError, match="out of range"):
        per_layer(wp, offset, [6])

    t = torch.from_numpy(wp).requires_grad_(True)
    out = per_layer(t, torch.from_numpy(offset), [2, 3])
    tiny.synthesize_torch(out, "w+").mean().backward()
    assert t.grad is not None and torch.isfinite(t.grad).all() and t.grad.abs().sum() > 0
