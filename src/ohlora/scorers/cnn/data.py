"""The faces of a mesh-scored sample store, regenerated from their latents, with their scores.

The store keeps latents and scores, not images; the images are regenerated (deterministic)
with the generator the run was sampled with. Only faces the mesh found are used, and only a
store scored by the mesh can teach the CNN (a CNN-scored store would teach it itself).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ohlora.errors import OhloraError
from ohlora.scorers.cnn.network import columns_for
from ohlora.store.rundir import RunDir
from ohlora.store.samples import load_samples


@dataclass
class Faces:
    """Faces of one run: seeds, uint8 images N x H x W x 3, mesh raw scores N x 7."""

    run: Path
    generator: str
    seeds: np.ndarray
    images: np.ndarray
    raw: np.ndarray
    columns: list[str]

    def __len__(self) -> int:
        return len(self.seeds)


def load_faces(
    run: Path,
    n: int | None = None,
    exclude_seeds: np.ndarray | None = None,
    on_progress: Callable[[int], None] | None = None,
    chunk: int = 500,
) -> Faces:
    """The found faces among the first n rows of a mesh-scored run (minus `exclude_seeds`)."""
    from ohlora import generators

    run = Path(run)
    cfg = RunDir(run).stage_config("sample")
    if cfg.get("scorer", "mesh") != "mesh":
        raise OhloraError(
            f"{run} was scored by the {cfg.get('scorer')} scorer: the property CNN learns from "
            "and is measured against mesh scores; use a run sampled with --scorer mesh"
        )
    s = load_samples(run)
    columns = columns_for()
    missing = [c for c in columns if c not in s.columns]
    if missing:
        raise OhloraError(f"{run} has no score columns {', '.join(missing)}: sample it again")
    keep = s.found.copy()
    if n is not None:
        if n > len(s):
            raise OhloraError(f"--n {n} exceeds the {len(s)} rows of {run}")
        keep &= np.arange(len(s)) < n
    if exclude_seeds is not None and len(exclude_seeds):
        keep &= ~np.isin(s.seed, exclude_seeds)
    rows = np.flatnonzero(keep)
    raw = s.raw[rows][:, [s.columns.index(c) for c in columns]].astype(np.float32)
    gen = generators.load(cfg["generator"])
    r = gen.resolution
    images = np.empty((len(rows), r, r, 3), np.uint8)
    for lo in range(0, len(rows), chunk):
        part = rows[lo : lo + chunk]
        images[lo : lo + len(part)] = gen.synthesize(s.z[part])
        if on_progress:
            on_progress(len(part))
    return Faces(run, cfg["generator"], s.seed[rows], images, raw, columns)
