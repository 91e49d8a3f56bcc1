"""The dlib judge over a run: identity descriptors and eyes / mouth / pose in normalised units.

Readings are normalised with the mean and standard deviation of the judge's own readings on
`NORM_FACES` faces of the run's generator (seeds from `NORM_SEED`, never a store row or an
evaluation face), computed once and kept in RUN/judges/dlib-normalisation.json: the judge is
calibrated on the population, like the mesh scorer, but with nothing of the mesh scorer's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ohlora.errors import OhloraError
from ohlora.runinfo import atomic_write_json, read_json
from ohlora.scorers.base import Closing
from ohlora.scorers.dlib.analysis import DESCRIPTOR_DIM, READINGS, SAME_PERSON, DlibFaces
from ohlora.scorers.workers import WorkerPool

NORM_FACES = 500
NORM_SEED = 3_000_000_000
NORM_FILE = "judges/dlib-normalisation.json"
MAX_CHUNK = 16
WORKER = "ohlora.scorers.dlib.worker"


@dataclass
class DlibReading:
    """What the judge sees in N images: descriptors (N, 128), readings (N, 3) in normalised
    units (eyes, mouth, pose), and whether dlib's detector found the face (N,)."""

    descriptors: np.ndarray
    readings: np.ndarray
    detected: np.ndarray


def identity_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distance between descriptors (broadcasting); < 0.6 means the same person."""
    return np.linalg.norm(np.asarray(a) - np.asarray(b), axis=-1)


def same_person(distance: np.ndarray) -> np.ndarray:
    """dlib's same-person rule on descriptor distances."""
    return np.asarray(distance) < SAME_PERSON


class DlibJudge(Closing):
    """dlib analysis in `workers` processes (0: in this process), normalised over a run."""

    def __init__(
        self, workers: int = 2, mean: np.ndarray | None = None, std: np.ndarray | None = None
    ) -> None:
        self.workers = int(workers)
        self.properties = list(READINGS)
        self._pool: WorkerPool | None = None
        self._local: DlibFaces | None = None
        self.mean = np.zeros(len(READINGS)) if mean is None else np.asarray(mean, np.float64)
        self.std = np.ones(len(READINGS)) if std is None else np.asarray(std, np.float64)

    @classmethod
    def for_run(cls, run: Path, workers: int = 2) -> DlibJudge:
        """A judge normalised on the run's generator (computed and saved on first use)."""
        from ohlora.store.rundir import run_generator_name

        judge = cls(workers)
        path = Path(run) / NORM_FILE
        generator = run_generator_name(run)
        if path.is_file():
            saved = read_json(path)
            if saved.get("generator") == generator and saved.get("faces") == NORM_FACES:
                judge.mean, judge.std = np.array(saved["mean"]), np.array(saved["std"])
                return judge
        from ohlora import generators

        g = generators.load(generator)
        faces = g.synthesize(g.sample_latents(NORM_FACES, NORM_SEED))
        raw, _ = DlibFaces().analyse(faces, descriptors=False)  # readings only: fast
        readings = raw[:, DESCRIPTOR_DIM:].astype(np.float64)
        judge.mean, judge.std = readings.mean(0), readings.std(0)
        if not np.all(np.isfinite(judge.std)) or np.any(judge.std <= 0):
            raise OhloraError(
                f"the dlib judge's readings on {generator} do not vary: cannot normalise"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_json(
            path,
            {
                "generator": generator,
                "faces": NORM_FACES,
                "seed": NORM_SEED,
                "readings": list(READINGS),
                "mean": judge.mean.tolist(),
                "std": judge.std.tolist(),
            },
        )
        return judge

    def _analyse(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        images = np.asarray(images)
        if images.ndim != 4 or images.shape[-1] != 3 or images.dtype != np.uint8:
            raise OhloraError(f"the judge expects uint8 images N x H x W x 3, got {images.shape}")
        if len(images) == 0:
            return np.zeros((0, DESCRIPTOR_DIM + len(READINGS)), np.float32), np.zeros(0, bool)
        if self.workers == 0:
            if self._local is None:
                self._local = DlibFaces()
            return self._local.analyse(images)
        if self._pool is None:
            self._pool = WorkerPool(self.workers, WORKER)
        chunk = max(1, min(MAX_CHUNK, math.ceil(len(images) / (2 * self.workers))))
        parts = self._pool.map([images[i : i + chunk] for i in range(0, len(images), chunk)])
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def analyse(self, images: np.ndarray) -> DlibReading:
        """Descriptors, normalised readings and detection flags of N images."""
        raw, detected = self._analyse(images)
        readings = (raw[:, DESCRIPTOR_DIM:] - self.mean) / self.std
        return DlibReading(raw[:, :DESCRIPTOR_DIM], readings.astype(np.float32), detected)

    def measure(self, images: np.ndarray) -> np.ndarray:
        """(N, 3) normalised eyes, mouth, pose (the `PropertyMeter` interface of a judge)."""
        return self.analyse(images).readings

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
