"""The engine-independent half of sampling: which shards a run still needs, and one shard.

Row i has seed `seed + i` (the project's seed rule), so a row can always be regenerated from
its seed. Shards are independent: on a rerun, complete shards are skipped and the others are
computed again, which makes the final store identical to an uninterrupted run, whichever
engine computed which shard.

Inside a shard, rows are computed in chunks of `CHUNK` (always at the same offsets from the
shard's first row, so the result does not depend on where a run was stopped), and the rows
done so far are flushed to `samples/partial-JJJJJ.npz` whenever `FLUSH_SECONDS` have passed
since the last flush: a kill loses at most a few seconds of work, whatever the shard size.

A smaller --n than the rows a run already holds deletes rows, so `plan` refuses it unless
the caller passes `shrink` (`ohlora sample --shrink`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from ohlora.errors import OhloraError
from ohlora.generators.base import Generator
from ohlora.generators.seeds import check_seed_span
from ohlora.sampling.params import SampleParams
from ohlora.scorers.base import Scorer
from ohlora.store import samples as store
from ohlora.store.rundir import RunDir

CHUNK = 100  # rows generated and scored together inside a shard
FLUSH_SECONDS = 3.0  # the most work (in seconds) a kill can lose inside a shard


def partial_path(run: Path, j: int) -> Path:
    """Where the rows done so far of unfinished shard `j` are flushed."""
    return Path(run) / store.SHARD_DIR / f"partial-{j:05d}.npz"


@dataclass(frozen=True)
class ShardJob:
    """Shard `index`: rows lo..hi-1 of the store."""

    index: int
    lo: int
    hi: int

    def seeds(self, params: SampleParams) -> np.ndarray:
        return row_seeds(params, self.lo, self.hi)


def row_seeds(params: SampleParams, lo: int, hi: int) -> np.ndarray:
    """The seeds of store rows lo..hi-1: row i has seed `seed + i` (the project's seed rule)."""
    return np.arange(params.seed + lo, params.seed + hi, dtype=np.int64)


def stored_rows(run: Path) -> int:
    """Rows held by the readable shards of `run` (a damaged shard counts as none)."""
    return sum(store.shard_rows(path) or 0 for path in store.shard_files(run))


def _shrink(run: Path, params: SampleParams) -> None:
    """Cut the store to the first `params.n` rows: later shards deleted, the boundary shard
    truncated (its first rows are exactly what a fresh run computes)."""
    last = -(-params.n // params.shard_size) - 1
    for path in store.shard_files(run):
        j = int(path.stem.split("-")[1])
        if j > last:
            path.unlink()
        elif j == last:
            part = store.read_npz(path)
            keep = part["index"] < params.n
            if not keep.all():
                cut = {k: (v if k == "columns" else v[keep]) for k, v in part.items()}
                store.write_npz(path, cut)
    for path in (Path(run) / store.SHARD_DIR).glob("partial-*.npz"):
        if int(path.stem.split("-")[1]) > last:
            path.unlink()


def plan(
    run: Path,
    params: SampleParams,
    on_progress: Callable[[int], None] | None = None,
    *,
    shrink: bool = False,
) -> list[ShardJob]:
    """Record the stage (refusing to mix it with other parameters, or to drop rows unless
    `shrink`) and list the shards that are not complete yet; `on_progress` hears the rows
    already done."""
    check_seed_span(params.seed, params.n)
    rd = RunDir(run)
    recorded = rd.config().get("sample")
    if recorded is not None:
        diff = params.compatible(recorded)
        if diff:
            raise OhloraError(
                f"{run} was sampled with other {', '.join(diff)} "
                f"({', '.join(f'{k}={recorded.get(k)!r}' for k in diff)}): use the same "
                "arguments to continue it, or a new --run folder"
            )
    held = stored_rows(run)
    if held > params.n:
        if not shrink:
            raise OhloraError(
                f"{run} already holds {held} rows, more than --n {params.n}: give --n {held} "
                f"(or more) to keep them, or add --shrink to delete the rows past {params.n}"
            )
        _shrink(run, params)
    rd.record_stage("sample", asdict(params))
    store.remove_stale_temp(run)
    todo = []
    for j in range(-(-params.n // params.shard_size)):
        job = ShardJob(j, j * params.shard_size, min(params.n, (j + 1) * params.shard_size))
        if not store.shard_is_complete(store.shard_path(run, j), job.hi - job.lo):
            todo.append(job)
        elif on_progress:
            on_progress(job.hi - job.lo)
    return todo


def _compute_rows(
    gen: Generator, scorer: Scorer, params: SampleParams, lo: int, hi: int
) -> dict[str, np.ndarray]:
    seeds = row_seeds(params, lo, hi)
    z = gen.latents_for_seeds(seeds.tolist())
    result = scorer.score(gen.synthesize(z))
    assert result.raw.shape == (len(seeds), len(scorer.columns)), result.raw.shape
    return {
        "index": np.arange(lo, hi, dtype=np.int64),
        "seed": seeds,
        "z": z,
        "raw": result.raw.astype(np.float32),
        "found": result.found.astype(bool),
    }


def _join(parts: list[dict[str, np.ndarray]], columns: list[str]) -> dict[str, np.ndarray]:
    joined = {k: np.concatenate([p[k] for p in parts]) for k in parts[0] if k != "columns"}
    return {**joined, "columns": np.array(columns)}


def _resume_partial(
    run: Path, job: ShardJob, columns: list[str], params: SampleParams
) -> dict[str, np.ndarray] | None:
    """The flushed rows of `job`, if a readable partial of the same job is there."""
    path = partial_path(run, job.index)
    if not path.is_file():
        return None
    try:
        part = store.read_npz(path)
        idx = part["index"]
        ok = (
            [str(c) for c in part["columns"]] == columns
            and 0 < len(idx) < job.hi - job.lo
            and (len(idx) % CHUNK == 0)
            and np.array_equal(idx, np.arange(job.lo, job.lo + len(idx)))
            and np.array_equal(part["seed"], idx + params.seed)
            and all(len(part[k]) == len(idx) for k in ("z", "raw", "found"))
        )
    except (OhloraError, KeyError):
        ok = False
    if not ok:
        path.unlink(missing_ok=True)  # another job's or a damaged partial: recompute
        return None
    return part


def compute_shard(
    gen: Generator,
    scorer: Scorer,
    params: SampleParams,
    job: ShardJob,
    run: Path | None = None,
    on_rows: Callable[[int], None] | None = None,
    flush_seconds: float | None = None,
) -> dict[str, np.ndarray]:
    """The arrays of one shard: its faces generated from their seeds and scored, in chunks
    of `CHUNK` rows. With `run`, the rows done are flushed to the shard's partial file every
    `flush_seconds` (default `FLUSH_SECONDS`), and a partial left by a killed run is
    continued; `on_rows` hears the rows computed (and those found flushed)."""
    columns = list(scorer.columns)
    parts: list[dict[str, np.ndarray]] = []
    start = job.lo
    if run is not None:
        flushed = _resume_partial(run, job, columns, params)
        if flushed is not None:
            parts.append(flushed)
            start = job.lo + len(flushed["index"])
            if on_rows:
                on_rows(start - job.lo)
    every = FLUSH_SECONDS if flush_seconds is None else flush_seconds
    last = time.monotonic()
    for lo in range(start, job.hi, CHUNK):
        hi = min(job.hi, lo + CHUNK)
        parts.append(_compute_rows(gen, scorer, params, lo, hi))
        if on_rows:
            on_rows(hi - lo)
        if run is not None and hi < job.hi and time.monotonic() - last >= every:
            store.write_npz(partial_path(run, job.index), _join(parts, columns))
            last = time.monotonic()
    return _join(parts, columns)


def write_shard(run: Path, job: ShardJob, arrays: dict[str, np.ndarray]) -> None:
    """Write one shard atomically (a kill leaves the old file or none), then drop its
    partial."""
    store.write_npz(store.shard_path(run, job.index), arrays)
    partial_path(run, job.index).unlink(missing_ok=True)
