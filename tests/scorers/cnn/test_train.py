"""Training the property CNN: it learns a planted dataset, masks missing labels, flips pose."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ohlora.errors import OhloraError
from ohlora.properties.columns import PROPERTIES
from ohlora.properties.normalise import Normalisation
from ohlora.scorers.cnn.areas import area_set, box
from ohlora.scorers.cnn.network import HEAD_OF, columns_for, default_architecture
from ohlora.scorers.cnn.train import (
    TrainParams,
    figures,
    fit,
    masked_mse,
    mirror_affine,
    predict,
    split,
)


def planted(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Images whose seven scores are each a channel mean over that property's own area."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(20, 235, (n, 8, 8, 3))
    images = np.repeat(np.repeat(base, 8, 1), 8, 2)  # 8 x 8 blocks of colour
    images = np.clip(images + rng.normal(0, 8, images.shape), 0, 255).astype(np.uint8)
    raw = np.zeros((n, 7), np.float32)
    areas = area_set("context")
    for j, prop in enumerate(PROPERTIES):
        x0, x1, y0, y1 = box(areas[HEAD_OF[prop]], 64)
        raw[:, j] = images[:, y0:y1, x0:x1, j % 3].mean((1, 2))
    return images, raw


def test_a_tiny_cnn_overfits_a_tiny_planted_dataset():
    images, raw = planted(64)
    raw[5, 1] = np.nan  # a property the mesh could not read: left out of the loss
    cols = columns_for()
    norm = Normalisation.fit(raw, cols)
    t = norm.apply(raw, cols).astype(np.float32)
    arch = default_architecture(64, "context", small=((8, 16), 32), large=((8, 16), 32))
    rows = np.arange(len(images))
    params = TrainParams(epochs=60, batch_size=16, lr=5e-3, patience=60, flip=False, shift=0)
    res = fit(arch, images, t, norm, params, rows, rows)
    first, last = res.history[0]["val_loss"], min(h["val_loss"] for h in res.history)
    assert np.isfinite(first) and last < 0.1 < first, (first, last)
    figs = figures(predict(res.model, images), t, cols)
    assert all(figs[p]["r"] > 0.95 for p in PROPERTIES), figs
    assert figs["mouth"]["n"] == 63


def test_masked_mse_ignores_missing_targets():
    pred = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    target = torch.tensor([[1.0, float("nan")], [1.0, 4.0]])
    loss, per = masked_mse(pred, target)
    assert per.tolist() == [2.0, 0.0]
    assert loss.item() == 1.0
    all_missing = torch.full((2, 2), float("nan"))
    all_missing[:, 0] = 0.0
    loss, _ = masked_mse(pred, all_missing)
    assert loss.item() == pytest.approx((1 + 9) / 2)


def test_mirroring_negates_raw_pose_only():
    cols = columns_for()
    rng = np.random.default_rng(0)
    raw = rng.normal(5, 3, (50, 7))
    norm = Normalisation.fit(raw, cols)
    a, b = mirror_affine(norm, cols)
    mirrored = raw.copy()
    mirrored[:, PROPERTIES.index("pose")] *= -1
    np.testing.assert_allclose(a * norm.apply(raw, cols) + b, norm.apply(mirrored, cols))


def test_split_is_seeded_disjoint_and_complete():
    tr, va = split(100, 0.1, 7)
    assert len(va) == 10 and not set(tr) & set(va) and len(tr) + len(va) == 100
    assert np.array_equal(va, split(100, 0.1, 7)[1])
    assert not np.array_equal(va, split(100, 0.1, 8)[1])
    with pytest.raises(OhloraError):
        split(1, 0.1, 0)
