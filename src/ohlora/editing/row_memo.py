"""A small per-latent memo: values computed for one latent row, kept for the rows seen last.

The region-local renderer analyses and renders the same unedited face on every slider move of
the studio (and the same turned face while only the eyes or mouth slider moves); remembering
them by the latent's bytes makes those moves cost only the new face. Safe to share between
threads: a row two threads miss at once is computed twice, and either value is kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import numpy as np

V = TypeVar("V")


def row_key(row: np.ndarray) -> Hashable:
    """The memo key of one latent row: its dtype, shape and bytes."""
    return (row.dtype.str, row.shape, row.tobytes())


class RowMemo(Generic[V]):
    """Values per latent row, the `size` most recently used kept (least recent dropped)."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"a memo holds at least one row, not {size}")
        self.size = int(size)
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # rows computed so far (what the memo did not save)

    def __len__(self) -> int:
        return len(self._values)

    def get(self, rows: np.ndarray, compute: Callable[[np.ndarray], list[V]]) -> list[V]:
        """The value of every row of `rows` (N, ...), in order: remembered ones as they are,
        the others from one call `compute(missing rows)` (each distinct row once)."""
        keys = [row_key(r) for r in rows]
        found: dict[Hashable, V] = {}
        with self._lock:
            for k in keys:
                if k in self._values:
                    self._values.move_to_end(k)
                    found[k] = self._values[k]
        first: dict[Hashable, int] = {}  # each missing row's first index
        for i, k in enumerate(keys):
            if k not in found:
                first.setdefault(k, i)
        if first:
            idx = list(first.values())
            values = compute(rows[idx])
            assert len(values) == len(idx), (len(values), len(idx))
            with self._lock:
                self.computed += len(idx)
                for i, v in zip(idx, values, strict=True):
                    found[keys[i]] = v
                    self._values[keys[i]] = v
                    self._values.move_to_end(keys[i])
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
        return [found[k] for k in keys]
