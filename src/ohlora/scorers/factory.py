"""Open a scorer by the name the command line uses (`--scorer`, `--judge`)."""

from __future__ import annotations

from pathlib import Path

from ohlora.errors import OhloraError
from ohlora.scorers.base import Scorer

SCORERS = ("mesh", "cnn")  # mesh: mediapipe analysis; cnn: the run's property CNN


def make_scorer(kind: str, workers: int, run: Path | None = None) -> Scorer:
    """`mesh` (mediapipe, `workers` processes) or `cnn` (the property CNN of `run`)."""
    if kind == "mesh":
        from ohlora.scorers.mesh.scorer import MeshScorer

        return MeshScorer(workers=workers)
    if kind == "cnn":
        from ohlora.scorers.cnn.scorer import CNNScorer

        return CNNScorer.from_run(run)
    raise OhloraError(f"unknown scorer {kind!r}: use {' or '.join(SCORERS)}")
