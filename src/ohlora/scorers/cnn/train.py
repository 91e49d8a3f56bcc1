"""Training the property-score CNN on a store's mesh scores, and measuring it against them.

Targets are the seven `resolve("landmark")` columns of the faces the mesh found, normalised
with the run's statistics; a property the mesh could not read on a face (NaN) is left out of
that face's loss only. A seeded share of the faces is held out for validation (early stopping
picks the epoch with the lowest validation loss). AdamW with a per-step cosine schedule, MSE
averaged per property. Augmentation: a horizontal flip of half the images, under which every
label stays put except pose, whose raw value changes sign; and optionally a whole-batch shift
of up to one pixel.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from ohlora.errors import OhloraError
from ohlora.properties.columns import MIRROR_ODD, PROPERTIES
from ohlora.properties.normalise import Normalisation
from ohlora.scorers.cnn.network import Architecture, PropertyCNN, to_tensor


@dataclass(frozen=True)
class TrainParams:
    """Training settings (recorded in the model's config)."""

    epochs: int = 12
    batch_size: int = 128
    lr: float = 3e-3
    weight_decay: float = 1e-4
    val_fraction: float = 0.1
    patience: int = 4
    seed: int = 0
    flip: bool = True
    shift: int = 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class FitResult:
    """The kept (best-validation) weights and the per-epoch record."""

    model: PropertyCNN
    best_epoch: int
    history: list[dict[str, Any]] = field(default_factory=list)
    stopped_early: bool = False
    seconds: float = 0.0


def split(n: int, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(train rows, validation rows) of n faces: a seeded permutation, at least one of each."""
    if n < 2:
        raise OhloraError(f"training the property CNN needs at least 2 faces, got {n}")
    order = np.random.default_rng(seed).permutation(n)
    n_val = min(n - 1, max(1, round(n * val_fraction)))
    return np.sort(order[n_val:]), np.sort(order[:n_val])


def mirror_affine(norm: Normalisation, columns: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) with normalised(mirrored) = a * normalised + b, per column.

    In raw units the mirrored value is -v for pose and v otherwise; in z-units that is
    -z - 2 mean / std for pose.
    """
    idx = norm._index(columns)
    a = np.ones(len(columns))
    b = np.zeros(len(columns))
    for j, prop in enumerate(PROPERTIES):
        if prop in MIRROR_ODD:
            a[j] = -1.0
            b[j] = -2.0 * norm.mean[idx[j]] / norm.std[idx[j]]
    return a, b


def masked_mse(pred: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(loss, per-property MSE): MSE over the finite targets of each property, averaged over
    the properties that have any."""
    mask = torch.isfinite(target)
    diff = torch.where(mask, pred - torch.nan_to_num(target), torch.zeros_like(pred))
    count = mask.sum(0)
    per = (diff**2).sum(0) / count.clamp(min=1)
    has = count > 0
    return per[has].mean(), per.detach()


def predict(model: nn.Module, images: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Normalised predictions (float32 N x 7) of uint8 images, eval mode, no gradients."""
    was_training = model.training
    model.eval()
    out = []
    with torch.inference_mode():
        for lo in range(0, len(images), batch_size):
            out.append(model(to_tensor(images[lo : lo + batch_size])).numpy())
    model.train(was_training)
    if not out:
        return np.zeros((0, len(PROPERTIES)), np.float32)
    return np.concatenate(out).astype(np.float32)


def figures(pred: np.ndarray, target: np.ndarray, columns: list[str]) -> dict[str, dict]:
    """Per property: Pearson r, MAE (in the units given) and n over the finite targets."""
    out = {}
    for j, prop in enumerate(PROPERTIES):
        ok = np.isfinite(target[:, j]) & np.isfinite(pred[:, j])
        p, t = pred[ok, j].astype(np.float64), target[ok, j].astype(np.float64)
        r = (
            float(np.corrcoef(p, t)[0, 1])
            if ok.sum() >= 3 and p.std() > 0 and t.std() > 0
            else None
        )
        out[prop] = {
            "column": columns[j],
            "r": r,
            "mae": float(np.mean(np.abs(p - t))) if ok.any() else None,
            "n": int(ok.sum()),
        }
    return out


def _shift(x: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    """Move a batch by (dx, dy) pixels, repeating the edge."""
    if dx == 0 and dy == 0:
        return x
    s = max(abs(dx), abs(dy))
    h, w = x.shape[2:]
    padded = nn.functional.pad(x, (s, s, s, s), mode="replicate")
    return padded[:, :, s - dy : s - dy + h, s - dx : s - dx + w]


def fit(
    arch: Architecture,
    images: np.ndarray,
    targets: np.ndarray,
    norm: Normalisation,
    params: TrainParams,
    train_rows: np.ndarray,
    val_rows: np.ndarray,
    on_step: Callable[[int], None] | None = None,
    on_epoch: Callable[[dict[str, Any]], None] | None = None,
) -> FitResult:
    """Train a fresh network on `train_rows`, early-stopped on `val_rows`.

    images: uint8 N x H x W x 3; targets: float32 N x 7 normalised (NaN = no label).
    """
    assert images.ndim == 4 and images.dtype == np.uint8, (images.shape, images.dtype)
    assert targets.shape == (len(images), len(PROPERTIES)), targets.shape
    if len(train_rows) == 0 or len(val_rows) == 0:
        raise OhloraError("the property CNN needs training and validation faces")
    start = time.perf_counter()
    torch.manual_seed(params.seed)
    gen = torch.Generator().manual_seed(params.seed)
    model = PropertyCNN(arch)
    opt = torch.optim.AdamW(model.parameters(), lr=params.lr, weight_decay=params.weight_decay)
    steps_per_epoch = math.ceil(len(train_rows) / params.batch_size)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(
        opt, T_max=params.epochs * steps_per_epoch, eta_min=params.lr * 0.01
    )
    a, b = (torch.tensor(v, dtype=torch.float32) for v in mirror_affine(norm, list(arch.columns)))
    x_all = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2)  # uint8 view
    t_all = torch.from_numpy(np.ascontiguousarray(targets, np.float32))
    val_t = targets[val_rows]

    best_loss, best_state, best_epoch, bad = math.inf, None, 0, 0
    history: list[dict[str, Any]] = []
    stopped = False
    for epoch in range(1, params.epochs + 1):
        model.train()
        order = torch.from_numpy(train_rows)[torch.randperm(len(train_rows), generator=gen)]
        total, seen = 0.0, 0
        for lo in range(0, len(order), params.batch_size):
            rows = order[lo : lo + params.batch_size]
            x = x_all[rows].float().div_(127.5).sub_(1.0)
            t = t_all[rows]
            if params.flip:
                flip = torch.rand(len(rows), generator=gen) < 0.5
                x = torch.where(flip[:, None, None, None], x.flip(3), x)
                t = torch.where(flip[:, None], a * t + b, t)
            if params.shift:
                dx, dy = torch.randint(-params.shift, params.shift + 1, (2,), generator=gen)
                x = _shift(x, int(dx), int(dy))
            loss, _ = masked_mse(model(x), t)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss.detach()) * len(rows)
            seen += len(rows)
            if on_step:
                on_step(len(rows))
        pred = predict(model, images[val_rows])
        val_loss, _ = masked_mse(torch.from_numpy(pred), torch.from_numpy(val_t))
        figs = figures(pred, val_t, list(arch.columns))
        record = {
            "epoch": epoch,
            "train_loss": total / max(seen, 1),
            "val_loss": float(val_loss),
            "val_r": {p: figs[p]["r"] for p in PROPERTIES},
            "lr": float(sched.get_last_lr()[0]),
            "seconds": time.perf_counter() - start,
        }
        history.append(record)
        if on_epoch:
            on_epoch(record)
        if float(val_loss) < best_loss:
            best_loss, best_epoch, bad = float(val_loss), epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            bad += 1
            if bad >= params.patience:
                stopped = epoch < params.epochs
                break
    assert best_state is not None
    model.load_state_dict(best_state)
    model.eval()
    return FitResult(model, best_epoch, history, stopped, time.perf_counter() - start)
