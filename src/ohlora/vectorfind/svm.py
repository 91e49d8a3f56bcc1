"""Separate top from bottom faces with a linear SVM; its unit normal is the direction.

Two solvers: `linearsvc` (scikit-learn's LinearSVC, the whole top and bottom sets in memory,
the default) and `sgd` (a linear SVM by stochastic gradient descent on the hinge loss, fed
block by block with `partial_fit`: the sets are read as many times as it takes, never held
whole, so it fits top and bottom sets larger than memory).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

SOLVERS = ("linearsvc", "sgd")
SGD_EPOCHS = 15  # passes over the training rows
SGD_BLOCK = 4096  # rows per partial_fit call (in-memory input)

# A block source: called once per pass, yields (latents, labels 1 top / 0 bottom, is-validation)
Blocks = Callable[[], Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]]


@dataclass(frozen=True)
class SVMResult:
    """Unit normal (oriented towards the top class), and accuracies on train / validation."""

    normal: np.ndarray
    train_accuracy: float
    val_accuracy: float
    n_train: int
    n_val: int


def svm_direction(
    top: np.ndarray,
    bottom: np.ndarray,
    val_fraction: float = 0.2,
    seed: int = 0,
    c: float = 1.0,
    solver: str = "linearsvc",
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
    val, train = split(len(x), val_fraction, seed)
    n_val = len(val)
    if solver == "sgd":
        is_val = np.zeros(len(x), bool)
        is_val[val] = True
        mixed = np.random.default_rng(seed).permutation(len(x))  # top and bottom in each block

        def blocks() -> Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]:
            for lo in range(0, len(x), SGD_BLOCK):
                rows = mixed[lo : lo + SGD_BLOCK]
                yield x[rows], y[rows], is_val[rows]

        return sgd_direction(blocks, seed=seed, c=c)
    assert solver == "linearsvc", solver
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


def split(n: int, val_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(validation, training) positions of n rows: the first round(val_fraction * n) of a
    seeded permutation are held out."""
    perm = np.random.default_rng(seed).permutation(n)
    n_val = int(round(val_fraction * n))
    return perm[:n_val], perm[n_val:]


def sgd_direction(blocks: Blocks, seed: int = 0, c: float = 1.0) -> SVMResult:
    """A linear SVM (hinge loss, L2 penalty alpha = 1 / (C * training rows), the same
    objective LinearSVC minimises up to scale) trained by `partial_fit` on the blocks of
    `blocks()`, `SGD_EPOCHS` passes, latents centred on the training mean (one more pass).
    Blocks are used in their given order; rows of both classes should be spread over them
    (a store's shards are, rows being in seed order)."""
    from sklearn.linear_model import SGDClassifier

    total, n_train, n_val = None, 0, 0
    for xb, yb, vb in blocks():
        assert xb.ndim == 2 and yb.shape == vb.shape == (len(xb),), (xb.shape, yb.shape)
        part = xb[~vb].astype(np.float64).sum(0)
        total = part if total is None else total + part
        n_train += int((~vb).sum())
        n_val += int(vb.sum())
    assert total is not None and n_train > 0, "no training rows"
    mean = total / n_train
    clf = SGDClassifier(
        loss="hinge",
        alpha=1.0 / (c * n_train),
        learning_rate="optimal",
        random_state=seed,
        average=True,
    )
    classes = np.array([0.0, 1.0])
    for _ in range(SGD_EPOCHS):
        for xb, yb, vb in blocks():
            if (~vb).any():
                clf.partial_fit(xb[~vb].astype(np.float64) - mean, yb[~vb], classes=classes)
    hits = {"train": 0, "val": 0}
    for xb, yb, vb in blocks():
        right = clf.predict(xb.astype(np.float64) - mean) == yb
        hits["train"] += int(right[~vb].sum())
        hits["val"] += int(right[vb].sum())
    w = clf.coef_.ravel()
    normal = (w / np.linalg.norm(w)).astype(np.float32)
    val_acc = hits["val"] / n_val if n_val else float("nan")
    return SVMResult(normal, hits["train"] / n_train, val_acc, n_train, n_val)
