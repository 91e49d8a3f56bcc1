"""Fold splits: partitions of the rows; stratified folds keep the class ratio."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.classifiers.folds import kfold, stratified_kfold
from ohlora.classifiers.labels import shipped_labels
from ohlora.errors import OhloraError


def _is_partition(folds: list[np.ndarray], n: int) -> bool:
    cat = np.concatenate(folds)
    return len(cat) == n and np.array_equal(np.sort(cat), np.arange(n))


def test_kfold_partitions_rows_into_near_equal_folds():
    folds = kfold(256, 5, seed=3)
    assert _is_partition(folds, 256)
    sizes = [len(f) for f in folds]
    assert max(sizes) - min(sizes) <= 1
    assert [f.tolist() for f in kfold(256, 5, seed=3)] == [f.tolist() for f in folds]
    assert [f.tolist() for f in kfold(256, 5, seed=4)] != [f.tolist() for f in folds]


@pytest.mark.parametrize("positives", [181, 13, 128])
def test_stratified_folds_keep_the_class_ratio(positives):
    y = np.zeros(256, int)
    y[np.random.default_rng(0).choice(256, positives, replace=False)] = 1
    folds = stratified_kfold(y, 5, seed=1)
    assert _is_partition(folds, 256)
    for f in folds:
        expected = positives * len(f) / 256
        assert abs(y[f].sum() - expected) <= 1.0, (y[f].sum(), expected)
    assert max(len(f) for f in folds) - min(len(f) for f in folds) <= 1


def test_stratified_folds_on_the_shipped_quality_labels():
    q = shipped_labels().quality.astype(int)
    folds = stratified_kfold(q, 5, seed=0)
    shares = [q[f].mean() for f in folds]
    assert max(shares) - min(shares) < 0.03, shares
    # a plain shuffle split does not promise this: it is what stratification adds
    plain = [q[f].mean() for f in kfold(len(q), 5, seed=0)]
    assert max(plain) - min(plain) >= max(shares) - min(shares)


def test_too_few_of_a_class_is_a_clear_error():
    y = np.array([0] * 20 + [1] * 3)
    with pytest.raises(OhloraError, match="rarest class has 3"):
        stratified_kfold(y, 5, seed=0)
    with pytest.raises(OhloraError, match="folds"):
        kfold(3, 5, seed=0)
