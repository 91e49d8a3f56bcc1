"""Separate top from bottom faces with a linear SVM; its unit normal is the direction."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SVMResult:
    """Unit normal (oriented towards the top class), and accuracies on train / validation."""

    normal: np.ndarray
    train_accuracy: float
    val_accuracy: float
    n_train: int
    n_val: int


def svm_direction(
    top: np.ndarray, bottom: np.ndarray, val_fraction: float = 0.2, seed: int = 0, c: float = 1.0
) -> SVMResult:
    """Train `LinearSVC` on top (label 1) vs bottom (label 0) latents.

    The latents are centred (not scaled) so the normal lives in the latent's own coordinates.
    The returned normal points from the bottom class to the top class: a positive step along
    it raises the score (the original pointed the other way, spec 8.2).
    """
    from sklearn.svm import LinearSVC

    assert top.ndim == 2 and bottom.ndim == 2 and top.shape[1] == bottom.shape[1]
    x = np.concatenate([top, bottom]).astype(np.float64)
    y = np.concatenate([np.ones(len(top)), np.zeros(len(bottom))])
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(x))
    n_val = int(round(val_fraction * len(x)))
    val, train = perm[:n_val], perm[n_val:]
    mean = x[train].mean(0)
    clf = LinearSVC(C=c, max_iter=20000, dual="auto", random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(x[train] - mean, y[train])
    w = clf.coef_.ravel()
    normal = (w / np.linalg.norm(w)).astype(np.float32)
    train_acc = float(clf.score(x[train] - mean, y[train]))
    val_acc = float(clf.score(x[val] - mean, y[val])) if n_val else float("nan")
    # sklearn's positive class is label 1 (top): coef_ already points to the top class.
    return SVMResult(normal, train_acc, val_acc, len(train), n_val)
