"""The sample store: latents and scores in shards, written atomically, resumable.

Layout inside a run directory:

    samples/shard-00000.npz   rows [0, S): index, seed, z (float32 N x z_dim), raw (float32
                              N x C raw score columns), found (bool N), columns (C names),
                              and after finalisation `normalised` (float32 N x C)
    normalisation.json        the Gaussian statistics used for `normalised` (saved, reusable)
    annotations/<name>.npz    per-row columns added by later stages (e.g. gender, quality)

A shard is written whole or not at all (temp file + fsync + rename), so a run killed at any
point loses at most the shard in flight, and rerunning the same command recomputes exactly
that shard: the final content equals an uninterrupted run.
"""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ohlora.errors import OhloraError
from ohlora.runinfo import atomic_write_bytes

SHARD_DIR = "samples"
ANNOTATION_DIR = "annotations"


def shard_path(run: Path, j: int) -> Path:
    return Path(run) / SHARD_DIR / f"shard-{j:05d}.npz"


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Atomically write arrays to an .npz (no pickled objects: plain numeric/str arrays)."""
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    atomic_write_bytes(path, buf.getvalue())


def read_npz(path: Path) -> dict[str, np.ndarray]:
    """Read an .npz written by `write_npz`; a damaged file is a clear error."""
    try:
        with np.load(path, allow_pickle=False) as f:
            return {k: f[k] for k in f.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as e:
        raise OhloraError(
            f"{path} is damaged ({e.__class__.__name__}): delete it and run the command that "
            "wrote it again (`ohlora sample --run RUN` for a shard) to recompute it"
        ) from None


def shard_rows(path: Path) -> int | None:
    """Rows of a shard file, reading only its index; None when it is missing or damaged."""
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as f:
            return len(f["index"]) if "index" in f.files else None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError):
        return None


def shard_is_complete(path: Path, rows: int) -> bool:
    """True when a shard file exists and holds the expected number of rows."""
    return shard_rows(path) == rows


@dataclass
class Samples:
    """All rows of a run's sample store, shards concatenated in index order."""

    index: np.ndarray
    seed: np.ndarray
    z: np.ndarray
    raw: np.ndarray
    found: np.ndarray
    columns: list[str]
    normalised: np.ndarray | None
    annotations: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.index)

    def column(self, name: str, normalised: bool = True) -> np.ndarray:
        """One score column (normalised by default), or an annotation column by name."""
        if name in self.annotations:
            return self.annotations[name]
        if name not in self.columns:
            known = ", ".join(self.columns + sorted(self.annotations))
            raise OhloraError(f"no column {name!r} in the sample store; known: {known}")
        src = self.normalised if normalised else self.raw
        if src is None:
            raise OhloraError(
                "the sample store is not finalised (no normalised scores): run "
                "`ohlora sample` again with the same arguments to finish it"
            )
        return src[:, self.columns.index(name)]

    def subset(self, mask: np.ndarray) -> Samples:
        """Rows where `mask` is true (boolean, one per row)."""
        assert mask.shape == (len(self),), mask.shape
        return Samples(
            index=self.index[mask],
            seed=self.seed[mask],
            z=self.z[mask],
            raw=self.raw[mask],
            found=self.found[mask],
            columns=self.columns,
            normalised=None if self.normalised is None else self.normalised[mask],
            annotations={k: v[mask] for k, v in self.annotations.items()},
        )


def shard_files(run: Path) -> list[Path]:
    return sorted((Path(run) / SHARD_DIR).glob("shard-*.npz"))


def load_samples(run: Path | str, latents: bool = True) -> Samples:
    """Load every shard (and annotation) of a run into one `Samples`. Without `latents`
    the z column is left on disk (`z` is then N x 0): the scores of millions of rows fit in
    memory, their latents are read when needed with `iter_latents`."""
    run = Path(run)
    files = shard_files(run)
    if not files:
        raise OhloraError(f"{run} holds no samples: run `ohlora sample --run {run}` first")
    parts = [read_npz(p) if latents else _read_without_z(p) for p in files]
    for p, part in zip(files, parts, strict=True):
        _check_shard(p, part)
    columns = [str(c) for c in parts[0]["columns"]]
    for p, part in zip(files, parts, strict=True):
        if [str(c) for c in part["columns"]] != columns:
            raise OhloraError(
                f"{p} has other score columns than {files[0]}: mixed runs in "
                f"{run}; use a fresh --run folder"
            )
    cat = {
        k: np.concatenate([part[k] for part in parts])
        for k in ("index", "seed", "z", "raw", "found")
    }
    normalised = (
        np.concatenate([part["normalised"] for part in parts])
        if all("normalised" in part for part in parts)
        else None
    )
    order = np.argsort(cat["index"], kind="stable")
    if not np.array_equal(cat["index"][order], np.arange(len(order))):
        raise OhloraError(
            f"{run} has missing or duplicated sample rows: run `ohlora sample` "
            "again with the same arguments to complete it"
        )
    samples = Samples(
        index=cat["index"][order],
        seed=cat["seed"][order],
        z=cat["z"][order],
        raw=cat["raw"][order],
        found=cat["found"][order].astype(bool),
        columns=columns,
        normalised=None if normalised is None else normalised[order],
    )
    samples.annotations = load_annotations(run, len(samples))
    return samples


SHARD_KEYS = ("index", "seed", "z", "raw", "found", "columns")


def _read_without_z(path: Path) -> dict[str, np.ndarray]:
    """A shard's arrays but its latents (z: rows x 0), read without decompressing z."""
    try:
        with np.load(path, allow_pickle=False) as f:
            part = {k: f[k] for k in f.files if k != "z"}
            has_z = "z" in f.files
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as e:
        raise OhloraError(
            f"{path} is damaged ({e.__class__.__name__}): delete it and run the same "
            "`ohlora sample` command again to recompute it"
        ) from None
    if has_z and "index" in part:
        part["z"] = np.empty((len(part["index"]), 0), np.float32)
    return part


def iter_latents(run: Path | str, rows: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The latents of store rows `rows` (sorted, unique), shard by shard: (positions in
    `rows`, their z). One shard's latents are in memory at a time."""
    assert rows.ndim == 1 and (len(rows) < 2 or bool(np.all(np.diff(rows) > 0))), "sorted rows"
    for path in shard_files(Path(run)):
        with np.load(path, allow_pickle=False) as f:
            index = f["index"]
            if not len(index):
                continue
            lo, hi = np.searchsorted(rows, [index[0], index[-1] + 1])
            if lo == hi:
                continue
            if not np.array_equal(index, np.arange(index[0], index[0] + len(index))):
                raise OhloraError(f"{path} does not hold consecutive rows: resample the run")
            yield np.arange(lo, hi), f["z"][rows[lo:hi] - index[0]]


def _check_shard(path: Path, part: dict[str, np.ndarray]) -> None:
    """Refuse a shard whose arrays are missing or do not line up (one row each)."""
    missing = [k for k in SHARD_KEYS if k not in part]
    n = len(part["index"]) if "index" in part and part["index"].ndim == 1 else -1
    lengths = {k: len(part[k]) for k in ("seed", "z", "raw", "found") if k in part}
    if "normalised" in part:
        lengths["normalised"] = len(part["normalised"])
    uneven = [k for k, v in lengths.items() if v != n]
    if missing or uneven or n < 0:
        what = f"no {', '.join(missing)}" if missing else f"{', '.join(uneven)} not {n} rows"
        raise OhloraError(
            f"{path} is damaged ({what}): delete it and run the same `ohlora sample` command "
            "again to recompute it"
        )


def write_annotation(
    run: Path, name: str, index: np.ndarray, columns: dict[str, np.ndarray]
) -> Path:
    """Store per-row columns computed by a later stage (atomically, replacing earlier ones)."""
    for k, v in columns.items():
        assert v.shape[0] == index.shape[0], (k, v.shape, index.shape)
    path = Path(run) / ANNOTATION_DIR / f"{name}.npz"
    write_npz(
        path, {"index": index.astype(np.int64), **{f"col:{k}": v for k, v in columns.items()}}
    )
    return path


def load_annotations(run: Path, n: int) -> dict[str, np.ndarray]:
    """Every annotation column, aligned to rows 0..n-1 (NaN where a row was not annotated)."""
    out: dict[str, np.ndarray] = {}
    folder = Path(run) / ANNOTATION_DIR
    for path in sorted(folder.glob("*.npz")) if folder.is_dir() else []:
        data = read_npz(path)
        idx = data["index"]
        for key, values in data.items():
            if not key.startswith("col:"):
                continue
            col = np.full(n, np.nan, np.float32)
            keep = idx < n
            col[idx[keep]] = values[keep]
            out[key[4:]] = col
    return out


def remove_stale_temp(run: Path) -> None:
    """Delete temp files a killed writer left behind (they are never read)."""
    for p in (Path(run) / SHARD_DIR).glob(".*.tmp-*"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(p)
