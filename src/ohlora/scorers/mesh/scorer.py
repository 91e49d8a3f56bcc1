"""Score faces with the mesh: analyse, build the class map, run every algorithm -> raw columns.

`MeshScorer(workers=2)` spreads images over worker processes (`ohlora.scorers.mesh.workers`;
each builds its `FaceAnalyzer` once and keeps it), returns rows in input order, and is meant
to be kept open by a long-running sampler that calls `score` with batches of a few hundred
images. `workers=0` analyses in this process. Both give the same numbers (the columns and
their NaN rules: `ohlora.properties.scores`).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable

import numpy as np

from ohlora.errors import OhloraError
from ohlora.faces.analysis import FaceAnalyzer
from ohlora.properties.columns import COLUMNS
from ohlora.properties.scores import score_batch
from ohlora.scorers.base import Closing, Scores
from ohlora.scorers.workers import WorkerPool

MAX_CHUNK = 32  # images per task sent to a worker


class MeshScorer(Closing):
    """Images -> raw score columns (`COLUMNS`) with mediapipe, in `workers` processes.

    Use as a context manager, or call `close()` to stop the workers.
    """

    def __init__(self, workers: int = 2, size: int = 256) -> None:
        if workers < 0:
            raise OhloraError(f"workers must be 0 (in-process) or more, got {workers}")
        self.workers = int(workers)
        self.size = int(size)
        self.columns: list[str] = list(COLUMNS)
        self._analyzer: FaceAnalyzer | None = None
        self._pool: WorkerPool | None = None

    def _start_pool(self) -> WorkerPool:
        if self._pool is None:
            self._pool = WorkerPool(self.workers, "ohlora.scorers.mesh.workers", (str(self.size),))
        return self._pool

    def score(self, images: np.ndarray, on_progress: Callable[[int], None] | None = None) -> Scores:
        """Score uint8 N x H x W x 3 images; rows in input order. `on_progress(k)` is called
        as each group of k images is done (for the caller's progress bar)."""
        images = np.asarray(images)
        if images.ndim != 4 or images.shape[-1] != 3 or images.dtype != np.uint8:
            raise OhloraError(
                f"scoring expects uint8 images N x H x W x 3, got {images.dtype} "
                f"{tuple(images.shape)}"
            )
        n = len(images)
        if n == 0:
            return Scores(np.zeros((0, len(COLUMNS)), np.float32), np.zeros(0, bool), list(COLUMNS))
        if self.workers == 0:
            if self._analyzer is None:
                self._analyzer = FaceAnalyzer(self.size)
            raws, founds = [], []
            for lo in range(0, n, MAX_CHUNK):
                raw, found = score_batch(self._analyzer, images[lo : lo + MAX_CHUNK])
                raws.append(raw)
                founds.append(found)
                if on_progress:
                    on_progress(len(found))
            return Scores(np.concatenate(raws), np.concatenate(founds), list(COLUMNS))
        return self._score_in_workers(images, on_progress)

    def _score_in_workers(
        self, images: np.ndarray, on_progress: Callable[[int], None] | None
    ) -> Scores:
        n = len(images)
        chunk = max(1, min(MAX_CHUNK, math.ceil(n / (4 * self.workers))))
        chunks = [images[lo : lo + chunk] for lo in range(0, n, chunk)]
        try:
            parts = self._start_pool().map(chunks, on_progress)
        except BaseException:
            self.close()  # a dead or interrupted worker: start afresh on the next call
            raise
        raw = np.concatenate([p[0] for p in parts])
        found = np.concatenate([p[1] for p in parts])
        assert raw.shape == (n, len(COLUMNS)) and found.shape == (n,), (raw.shape, found.shape)
        return Scores(raw, found, list(COLUMNS))

    def score_one(self, image: np.ndarray) -> dict[str, float]:
        """{column: value} of one uint8 H x W x 3 image (NaN everywhere without a face)."""
        res = self.score(np.asarray(image)[None])
        return dict(zip(self.columns, map(float, res.raw[0]), strict=True))

    def close(self) -> None:
        """Stop the worker processes and free the in-process analyser."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._analyzer is not None:
            self._analyzer.close()
            self._analyzer = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()
