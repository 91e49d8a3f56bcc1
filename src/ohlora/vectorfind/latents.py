"""The latents direction finding works on, in memory or streamed from the sample store.

Direction finding needs a few rows whole (the top and bottom sets of each property) and
everything else as passes over all rows (projections, the response fit). `InMemory` holds the
latents as one array, as before; `Stored` reads them shard by shard from the run's store each
time (`store.iter_latents`), mapping z to the search space block by block, so only the scores
and one shard of latents are ever in memory. Both answer the same four questions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

import numpy as np

from ohlora.store.samples import iter_latents

BLOCK = 4096  # rows per block of an in-memory pass


class Latents(Protocol):
    """Rows of latents in the search space, flattened to N x D (float32)."""

    def __len__(self) -> int: ...

    def take(self, positions: np.ndarray) -> np.ndarray:
        """The rows at `positions` (in that order), len(positions) x D."""
        ...

    def blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Every row once, in row order, as (positions, rows) blocks."""
        ...

    def subset(self, positions: np.ndarray) -> Latents:
        """The rows at `positions` (sorted) as another `Latents`."""
        ...


def project(x: Latents, v: np.ndarray) -> np.ndarray:
    """x @ v for every row (v: D or D x m), one pass."""
    out: np.ndarray | None = None
    for pos, block in x.blocks():
        part = block @ v
        if out is None:
            out = np.empty((len(x), *part.shape[1:]), part.dtype)
        out[pos] = part
    assert out is not None, "no rows"
    return out


class InMemory:
    """Latents held as one N x D array."""

    def __init__(self, x: np.ndarray) -> None:
        assert x.ndim == 2, x.shape
        self.x = x

    def __len__(self) -> int:
        return len(self.x)

    def take(self, positions: np.ndarray) -> np.ndarray:
        return self.x[positions]

    def blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for lo in range(0, len(self.x), BLOCK):
            hi = min(len(self.x), lo + BLOCK)
            yield np.arange(lo, hi), self.x[lo:hi]

    def subset(self, positions: np.ndarray) -> InMemory:
        return InMemory(self.x[positions])


class Stored:
    """The latents of store rows `rows` (sorted) of `run`, read shard by shard, each block
    mapped by `to_space` (z block -> search-space rows, flattened)."""

    def __init__(
        self, run: Path, rows: np.ndarray, to_space: Callable[[np.ndarray], np.ndarray]
    ) -> None:
        assert rows.ndim == 1, rows.shape
        self.run = Path(run)
        self.rows = rows.astype(np.int64)
        self.to_space = to_space

    def __len__(self) -> int:
        return len(self.rows)

    def take(self, positions: np.ndarray) -> np.ndarray:
        order = np.argsort(positions, kind="stable")
        wanted = self.rows[positions[order]]
        out: np.ndarray | None = None
        for pos, z in iter_latents(self.run, wanted):
            x = self.to_space(z)
            if out is None:
                out = np.empty((len(positions), x.shape[1]), x.dtype)
            out[order[pos]] = x
        assert out is not None, "no rows"
        return out

    def blocks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for pos, z in iter_latents(self.run, self.rows):
            yield pos, self.to_space(z)

    def subset(self, positions: np.ndarray) -> Stored:
        return Stored(self.run, self.rows[positions], self.to_space)
