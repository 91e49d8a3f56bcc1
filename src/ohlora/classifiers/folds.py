"""Cross-validation splits: plain K-fold (gender) and stratified K-fold (quality, imbalanced).

Written here rather than borrowed so that the split is a documented, seeded function of the
labels alone: the same labels and seed give the same folds on every machine.
"""

from __future__ import annotations

import numpy as np

from ohlora.errors import OhloraError


def kfold(n: int, k: int, seed: int) -> list[np.ndarray]:
    """Validation indices of k folds over n rows: a seeded shuffle cut into near-equal parts."""
    if not 2 <= k <= n:
        raise OhloraError(f"cannot make {k} folds of {n} labelled rows: use 2..{n} folds")
    order = np.random.default_rng(seed).permutation(n)
    return [np.sort(part) for part in np.array_split(order, k)]


def stratified_kfold(labels: np.ndarray, k: int, seed: int) -> list[np.ndarray]:
    """Validation indices of k folds that each keep the classes' ratio (to within one row).

    Each class is shuffled and dealt round-robin, continuing the deal where the previous class
    stopped, so fold sizes also differ by at most one.
    """
    labels = np.asarray(labels)
    assert labels.ndim == 1, labels.shape
    classes, counts = np.unique(labels, return_counts=True)
    if k < 2 or counts.min() < k:
        raise OhloraError(
            f"stratified {k}-fold needs at least {k} rows of every class; the rarest class "
            f"has {counts.min()}: label more faces or use fewer folds"
        )
    rng = np.random.default_rng(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    start = 0
    for c in classes:
        rows = rng.permutation(np.flatnonzero(labels == c))
        for j, r in enumerate(rows):
            folds[(start + j) % k].append(int(r))
        start = (start + len(rows)) % k
    return [np.sort(np.array(f, np.int64)) for f in folds]
