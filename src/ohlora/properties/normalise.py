"""Gaussian normalisation (z-scores) of raw score columns, as spec section 1 step 4.

Statistics are fitted per column over the faces found, ignoring NaN, with the population
standard deviation (ddof = 0): [100, 250, 120, 180, 210] -> [-1.294, 1.402, -0.935, 0.144,
0.683]. They are saved as JSON so that later images (edits, tests) are measured in the same
units as the sample store they were fitted on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ohlora.errors import OhloraError
from ohlora.runinfo import atomic_write_json, check_sealed, read_json, sealed

FORMAT = "ohlora-normalisation/1"
NORMALISATION_FILE = "normalisation.json"  # a run's statistics, RUN/normalisation.json


@dataclass(frozen=True)
class Normalisation:
    """Per-column mean and standard deviation (population, NaN-aware)."""

    columns: list[str]
    mean: np.ndarray
    std: np.ndarray
    count: np.ndarray

    @classmethod
    def fit(cls, raw: np.ndarray, columns: Sequence[str]) -> Normalisation:
        """Fit on raw scores (N x C, rows = faces found, NaN = no value).

        A column with fewer than two values or no spread cannot be normalised: its std is NaN
        and `apply` gives NaN for it (see `unusable`), so one degenerate column never stops a
        run.
        """
        raw = np.asarray(raw, np.float64)
        columns = list(columns)
        if raw.ndim != 2 or raw.shape[1] != len(columns):
            raise OhloraError(
                f"normalisation needs scores N x {len(columns)} (one column per name), "
                f"got {tuple(raw.shape)}"
            )
        count = np.isfinite(raw).sum(axis=0)
        mean = np.full(len(columns), np.nan)
        std = np.full(len(columns), np.nan)
        for j in np.flatnonzero(count >= 2):
            v = raw[np.isfinite(raw[:, j]), j]
            mean[j], std[j] = v.mean(), v.std()
        std[~(std > 0)] = np.nan
        return cls(columns, mean, std, count.astype(np.int64))

    @property
    def unusable(self) -> list[str]:
        """Columns without statistics (too few values, or all equal)."""
        return [c for c, s in zip(self.columns, self.std, strict=True) if not np.isfinite(s)]

    def _index(self, columns: Sequence[str] | None) -> list[int]:
        if columns is None:
            return list(range(len(self.columns)))
        missing = [c for c in columns if c not in self.columns]
        if missing:
            raise OhloraError(
                f"no normalisation statistics for {', '.join(missing)}: refit them "
                "(`ohlora sample` finalises a run's statistics)"
            )
        return [self.columns.index(c) for c in columns]

    def apply(self, raw: np.ndarray, columns: Sequence[str] | None = None) -> np.ndarray:
        """Raw scores (N x len(columns), default this object's columns) -> z-scores; NaN
        stays NaN."""
        idx = self._index(columns)
        raw = np.asarray(raw, np.float64)
        assert raw.ndim == 2 and raw.shape[1] == len(idx), (raw.shape, len(idx))
        return (raw - self.mean[idx]) / self.std[idx]

    def invert(self, z: np.ndarray, columns: Sequence[str] | None = None) -> np.ndarray:
        """z-scores -> raw scores (the inverse of `apply`)."""
        idx = self._index(columns)
        z = np.asarray(z, np.float64)
        assert z.ndim == 2 and z.shape[1] == len(idx), (z.shape, len(idx))
        return z * self.std[idx] + self.mean[idx]

    def to_dict(self) -> dict:
        def num(x: float) -> float | None:
            return float(x) if np.isfinite(x) else None

        return {
            "format": FORMAT,
            "columns": [
                {"column": c, "mean": num(m), "std": num(s), "count": int(n)}
                for c, m, s, n in zip(self.columns, self.mean, self.std, self.count, strict=True)
            ],
        }

    @classmethod
    def from_dict(cls, data: dict, where: str = "normalisation statistics") -> Normalisation:
        """Statistics from their JSON form, checked: each column named once, every mean
        finite or null and every std finite and positive, or null (a column without spread,
        which `apply` leaves NaN). Anything else would make every measured value inf or NaN,
        so it is one line naming `where` (the file) instead."""
        remedy = "refit it with `ohlora sample --run RUN` (or copy it from the run it came from)"
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise OhloraError(
                f"{where} is not an ohlora normalisation file (expected format {FORMAT!r}): "
                f"{remedy}"
            )
        rows = data.get("columns")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise OhloraError(f"{where} has no list of columns: {remedy}")
        names, means, stds, counts = [], [], [], []
        for k, r in enumerate(rows):
            name, mean, std = r.get("column"), r.get("mean"), r.get("std")
            if not isinstance(name, str) or name in names:
                raise OhloraError(f"{where}: column {k} has a missing or repeated name: {remedy}")
            bad_mean = mean is not None and not _finite(mean)
            bad_std = std is not None and not (_finite(std) and std > 0 and _finite(mean))
            if bad_mean or bad_std:
                raise OhloraError(
                    f"{where}: {name} has mean {mean!r} and std {std!r} (need a finite mean and "
                    f"a finite std > 0): {remedy}"
                )
            names.append(name)
            means.append(float("nan") if mean is None else float(mean))
            stds.append(float("nan") if std is None else float(std))
            count = r.get("count", 0)
            counts.append(count if isinstance(count, int) and count >= 0 else 0)
        return cls(
            names,
            np.array(means, np.float64),
            np.array(stds, np.float64),
            np.array(counts, np.int64),
        )

    def save(self, path: Path) -> None:
        """Write JSON atomically (a kill never leaves half a file), sealed with a checksum."""
        atomic_write_json(Path(path), sealed(self.to_dict()))

    @classmethod
    def load(cls, path: Path) -> Normalisation:
        """Read and check a statistics file (see `from_dict`)."""
        remedy = "refit it with `ohlora sample --run RUN`"
        data = read_json(Path(path), remedy)
        check_sealed(data, Path(path), remedy)
        return cls.from_dict(data, where=str(path))


def _finite(x: object) -> bool:
    """A real number (not a bool, not NaN, not infinite)."""
    return isinstance(x, int | float) and not isinstance(x, bool) and bool(np.isfinite(x))


def run_normalisation(run: Path) -> Normalisation:
    """The statistics a run's scores were normalised with (written when sampling finishes)."""
    path = Path(run) / NORMALISATION_FILE
    if not path.is_file():
        raise OhloraError(f"{path} is missing: finish sampling with `ohlora sample --run {run}`")
    return Normalisation.load(path)
