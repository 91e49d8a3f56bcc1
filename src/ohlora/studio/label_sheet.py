"""A run's labelling sheet: one row per face (seed), gender and quality cells, saved per change.

The sheet is the single source of truth of `ohlora label serve`: every key press changes one
row and rewrites RUN/labels.csv atomically before the page hears back, so closing the browser
or killing the server loses nothing. An undo history is kept in memory only (a restarted
server starts with an empty one; the labels themselves are all on disk). Each changed row
records the sheet's labelling pass (1 the first look, 2 an audit, ...), so a later pass that
corrects a label stays traceable in the CSV.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ohlora.classifiers.labels import format_seed_sheet, read_labels
from ohlora.errors import OhloraError
from ohlora.runinfo import atomic_write_bytes

SHEET_FILE = "labels.csv"
KEYS = {"w": ("gender", 1.0), "m": ("gender", 0.0), "g": ("quality", 1.0), "b": ("quality", 0.0)}


@dataclass
class _Row:
    gender: float
    quality: float
    skipped: bool
    label_pass: int


class LabelSheet:
    """Labels of faces 0..n-1 (face i has seed `seeds[i]`), persisted to `path`."""

    def __init__(self, path: Path, seeds: np.ndarray, label_pass: int = 1) -> None:
        self.path = Path(path)
        self.label_pass = int(label_pass)
        self.seeds = np.asarray(seeds, np.int64)
        n = len(self.seeds)
        self.gender = np.full(n, np.nan, np.float32)
        self.quality = np.full(n, np.nan, np.float32)
        self.skipped = np.zeros(n, bool)
        self.passes = np.zeros(n, np.int64)  # pass that last changed each row (0: none)
        self.history: list[tuple[int, _Row]] = []
        self.lock = threading.Lock()

    @classmethod
    def open(cls, path: Path, seeds: np.ndarray, label_pass: int = 1) -> LabelSheet:
        """The sheet for these seeds, continuing the one on disk if there is one.

        `label_pass` is recorded in the pass column of every row this sheet changes.

        An existing sheet must agree with `seeds` on every row both have; it may be longer
        (its extra rows are kept, never dropped) or shorter (new rows start unlabelled).
        """
        seeds = np.asarray(seeds, np.int64)
        path = Path(path)
        if not path.exists():
            sheet = cls(path, seeds, label_pass)
            sheet.save()
            return sheet
        old = read_labels(path)
        if old.seeds is None:
            raise OhloraError(f"{path} has no seed column: it is not a labelling sheet")
        if not np.array_equal(old.index, np.arange(len(old))):
            raise OhloraError(f"{path} must list rows 0..{len(old) - 1} in order")
        m = min(len(old), len(seeds))
        bad = np.flatnonzero(old.seeds[:m] != seeds[:m])
        if len(bad):
            i = int(bad[0])
            raise OhloraError(
                f"{path} row {i} has seed {int(old.seeds[i])}, but this labelling asks for "
                f"seed {int(seeds[i])}: use the --seed the sheet was made with, or another --run"
            )
        all_seeds = np.concatenate([old.seeds, seeds[len(old) :]])
        sheet = cls(path, all_seeds, label_pass)
        assert old.passes is not None
        sheet.passes[: len(old)] = old.passes
        sheet.gender[: len(old)] = old.gender
        sheet.quality[: len(old)] = old.quality
        sheet.skipped[: len(old)] = old.skipped
        if len(all_seeds) > len(old):
            sheet.save()
        return sheet

    def __len__(self) -> int:
        return len(self.seeds)

    def done(self) -> np.ndarray:
        """Rows labelled on both counts, or skipped."""
        return self.skipped | (~np.isnan(self.gender) & ~np.isnan(self.quality))

    def labelled_count(self) -> int:
        return int(self.done().sum())

    def first_unlabelled(self) -> int | None:
        """The first row neither fully labelled nor skipped (None when all are)."""
        todo = np.flatnonzero(~self.done())
        return int(todo[0]) if len(todo) else None

    def face(self, i: int) -> dict[str, Any]:
        """One row as the page shows it."""
        self._check(i)

        def show(v: float) -> int | None:
            return None if np.isnan(v) else int(v)

        return {
            "index": i,
            "seed": int(self.seeds[i]),
            "gender": show(self.gender[i]),
            "quality": show(self.quality[i]),
            "skipped": bool(self.skipped[i]),
            "done": bool(self.done()[i]),
            "pass": int(self.passes[i]) or None,
        }

    def _check(self, i: int) -> None:
        if not 0 <= i < len(self):
            raise OhloraError(f"face {i} does not exist (0..{len(self) - 1})")

    def _row(self, i: int) -> _Row:
        return _Row(
            float(self.gender[i]),
            float(self.quality[i]),
            bool(self.skipped[i]),
            int(self.passes[i]),
        )

    def _set(self, i: int, row: _Row) -> None:
        self.gender[i], self.quality[i], self.skipped[i] = row.gender, row.quality, row.skipped
        self.passes[i] = row.label_pass

    def press(self, i: int, key: str) -> None:
        """Apply one labelling key (w m g b s) to face i and save the sheet."""
        key = key.lower()
        with self.lock:
            self._check(i)
            before = self._row(i)
            if key == "s":
                new = _Row(float("nan"), float("nan"), True, self.label_pass)
            elif key in KEYS:
                name, value = KEYS[key]
                new = _Row(
                    float("nan") if before.skipped else before.gender,
                    float("nan") if before.skipped else before.quality,
                    False,
                    self.label_pass,
                )
                setattr(new, name, value)
            else:
                raise OhloraError(f"unknown labelling key {key!r}: use w, m, g, b or s")
            self.history.append((i, before))
            self._set(i, new)
            self.save()

    def undo(self) -> int | None:
        """Revert the last change (saved); returns its face, or None when nothing is left."""
        with self.lock:
            if not self.history:
                return None
            i, row = self.history.pop()
            self._set(i, row)
            self.save()
            return i

    def save(self) -> None:
        atomic_write_bytes(
            self.path,
            format_seed_sheet(self.seeds, self.gender, self.quality, self.skipped, self.passes),
        )
