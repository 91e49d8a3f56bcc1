"""K-fold training: a learnable task is learned; failed folds are retried, boundedly, logged."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ohlora.classifiers import train as train_mod
from ohlora.classifiers.cnn import Architecture
from ohlora.classifiers.train import TaskSpec, TrainParams, figures, train_task

TINY = TaskSpec("toy", "whole", True, Architecture(channels=(4, 8), dropout=0.0))


def _toy(n: int = 60, seed: int = 0) -> tuple[torch.Tensor, np.ndarray]:
    """16 x 16 noise images; class 1 has a brighter left half (a signal a CNN must find)."""
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 2).astype(np.int64)
    x = rng.uniform(0.2, 0.6, (n, 3, 16, 16)).astype(np.float32)
    x[y == 1, :, :, :8] += 0.35
    return torch.from_numpy(x), y


def test_a_learnable_task_is_learned_out_of_fold():
    x, y = _toy()
    r = train_task(TINY, x, y, TrainParams(folds=3, epochs=15, lr=1e-2, weight_decay=0.0))
    assert r.figures["roc_auc"] > 0.9, r.figures
    assert r.figures["accuracy"] > r.figures["baseline_accuracy"] + 0.2
    assert sorted(np.concatenate([f.val_rows for f in r.folds]).tolist()) == list(range(60))
    assert not any(f.failed for f in r.folds)


def test_an_unreachable_threshold_retries_each_fold_boundedly_and_logs():
    x, y = _toy(30)
    events: list[str] = []
    retries: list[int] = []
    params = TrainParams(folds=3, epochs=1, bce_threshold=0.0, max_retries=2)
    r = train_task(TINY, x, y, params, on_event=events.append, on_retry=retries.append)
    for f in r.folds:
        assert len(f.attempts) == 3 and f.failed
        assert [a["ok"] for a in f.attempts] == [False, False, False]
        assert len({a["init_seed"] for a in f.attempts}) == 3  # a new initialisation each time
        assert f.val_bce == min(a["val_bce"] for a in f.attempts)  # the best attempt is kept
    assert retries == [1] * 6  # two retries per fold, one epoch each
    assert sum("retrying from a new initialisation" in e for e in events) == 6
    assert sum("giving up" in e for e in events) == 3
    assert sum("marked failed" in e for e in events) == 3


def test_a_diverged_fold_is_retrained_once_then_kept(monkeypatch):
    """Fold 1's first attempt diverges (all logits +40); only that fold is trained again."""
    x, y = _toy(30)
    real_fit = train_mod._fit
    calls: list[int] = []

    def fit(spec, params, x_tr, y_tr, seed, on_step):
        calls.append(seed)
        net = real_fit(spec, params, x_tr, y_tr, seed, on_step)
        if seed == 1 * 1009 + 0:  # fold 1, attempt 0 (seed 0)
            with torch.no_grad():
                net.head[-1].bias.fill_(40.0)
        return net

    monkeypatch.setattr(train_mod, "_fit", fit)
    events: list[str] = []
    params = TrainParams(folds=3, epochs=2, bce_threshold=5.0, max_retries=3)
    r = train_task(TINY, x, y, params, on_event=events.append)
    assert calls == [0, 1009, 1010, 2018]
    assert [len(f.attempts) for f in r.folds] == [1, 2, 1]
    assert r.folds[1].attempts[0]["val_bce"] > 5.0 and r.folds[1].attempts[1]["ok"]
    assert not any(f.failed for f in r.folds)
    assert len(events) == 1 and events[0].startswith("toy fold 1: attempt 0 failed")


def test_figures_against_the_majority_baseline():
    y = np.array([1, 1, 1, 0])
    f = figures(y, np.array([0.9, 0.8, 0.2, 0.1]))
    assert f["accuracy"] == 0.75 and f["baseline_accuracy"] == 0.75
    assert f["roc_auc"] == pytest.approx(1.0) and f["baseline_roc_auc"] == 0.5
    assert f["baseline_bce"] == pytest.approx(-(0.75 * np.log(0.75) + 0.25 * np.log(0.25)))


def test_shift_equals_replicate_pad_then_crop():
    from ohlora.classifiers.cnn import shift_images

    x = torch.rand(4, 3, 9, 11)
    dx, dy = torch.tensor([-3, 0, 2, 3]), torch.tensor([1, -2, 0, 3])
    padded = torch.nn.functional.pad(x, (3, 3, 3, 3), mode="replicate")
    want = torch.stack(
        [padded[i, :, 3 + dy[i] : 3 + dy[i] + 9, 3 + dx[i] : 3 + dx[i] + 11] for i in range(4)]
    )
    assert torch.equal(shift_images(x, dx, dy), want)
