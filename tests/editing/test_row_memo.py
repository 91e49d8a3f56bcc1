"""The per-latent memo: each distinct row computed once, values in the rows' order, the least
recently used row dropped first."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.editing.row_memo import RowMemo


def _counting(calls: list[int]):
    def compute(rows: np.ndarray) -> list[float]:
        calls.append(len(rows))
        return [float(r.sum()) for r in rows]

    return compute


def test_each_distinct_row_is_computed_once_and_values_keep_the_rows_order():
    memo: RowMemo[float] = RowMemo(8)
    calls: list[int] = []
    rows = np.array([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0]], np.float32)
    assert memo.get(rows, _counting(calls)) == [3.0, 7.0, 3.0]
    assert calls == [2] and memo.computed == 2  # the repeated row once
    # rows seen before are not computed again; a new one is, alone
    more = np.array([[3.0, 4.0], [5.0, 6.0], [1.0, 2.0]], np.float32)
    assert memo.get(more, _counting(calls)) == [7.0, 11.0, 3.0]
    assert calls == [2, 1] and len(memo) == 3
    # the same values in another dtype are another latent
    memo.get(rows.astype(np.float64), _counting(calls))
    assert calls == [2, 1, 2]


def test_the_least_recently_used_row_is_dropped_first():
    memo: RowMemo[float] = RowMemo(2)
    calls: list[int] = []
    a, b, c = (np.array([[v]], np.float32) for v in (1.0, 2.0, 3.0))
    memo.get(a, _counting(calls))
    memo.get(b, _counting(calls))
    memo.get(a, _counting(calls))  # a used again: b is now the oldest
    memo.get(c, _counting(calls))  # drops b
    assert len(memo) == 2 and calls == [1, 1, 1]
    memo.get(a, _counting(calls))
    assert calls == [1, 1, 1]
    memo.get(b, _counting(calls))
    assert calls == [1, 1, 1, 1]
    with pytest.raises(ValueError, match="at least one row"):
        RowMemo(0)
