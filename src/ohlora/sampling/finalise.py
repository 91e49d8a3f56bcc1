"""Finish a sample store: fit (or reuse) the Gaussian statistics, normalise every shard."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ohlora.errors import OhloraError
from ohlora.properties.normalise import NORMALISATION_FILE, Normalisation
from ohlora.store import samples as store


def finalise(run: Path, stats_from: Path | None = None) -> store.Samples:
    """Fit (or reuse) the normalisation and write normalised scores into every shard."""
    s = store.load_samples(run)
    if stats_from is not None:
        norm = Normalisation.load(stats_from)
        missing = [c for c in s.columns if c not in norm.columns]
        if missing:
            raise OhloraError(f"{stats_from} has no statistics for {', '.join(missing)}")
    else:
        norm = Normalisation.fit(s.raw[s.found], s.columns)
    norm.save(Path(run) / NORMALISATION_FILE)
    normalised = norm.apply(s.raw, s.columns).astype(np.float32)
    for path in store.shard_files(run):
        part = store.read_npz(path)
        rows = part["index"]
        new = normalised[rows]
        if "normalised" in part and np.array_equal(part["normalised"], new, equal_nan=True):
            continue
        part["normalised"] = new
        store.write_npz(path, part)
    s.normalised = normalised
    return s
