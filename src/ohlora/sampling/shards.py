"""The engine-independent half of sampling: which shards a run still needs, and one shard.

Row i has seed `seed + i` (the project's seed rule), so a row can always be regenerated from
its seed. Shards are independent: on a rerun, complete shards are skipped and the others are
computed again, which makes the final store identical to an uninterrupted run, whichever
engine computed which shard.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class ShardJob:
    """Shard `index`: rows lo..hi-1 of the store."""

    index: int
    lo: int
    hi: int

    def seeds(self, params: SampleParams) -> np.ndarray:
        return np.arange(params.seed + self.lo, params.seed + self.hi, dtype=np.int64)


def plan(
    run: Path, params: SampleParams, on_progress: Callable[[int], None] | None = None
) -> list[ShardJob]:
    """Record the stage (refusing to mix it with other parameters) and list the shards that
    are not complete yet; `on_progress` hears the rows already done."""
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


def compute_shard(
    gen: Generator, scorer: Scorer, params: SampleParams, job: ShardJob
) -> dict[str, np.ndarray]:
    """The arrays of one shard: its faces generated from their seeds and scored."""
    seeds = job.seeds(params)
    z = gen.latents_for_seeds(seeds.tolist())
    result = scorer.score(gen.synthesize(z))
    assert result.raw.shape == (len(seeds), len(scorer.columns)), result.raw.shape
    return {
        "index": np.arange(job.lo, job.hi, dtype=np.int64),
        "seed": seeds,
        "z": z,
        "raw": result.raw.astype(np.float32),
        "found": result.found.astype(bool),
        "columns": np.array(scorer.columns),
    }


def write_shard(run: Path, job: ShardJob, arrays: dict[str, np.ndarray]) -> None:
    """Write one shard atomically (a kill leaves the old file or none)."""
    store.write_npz(store.shard_path(run, job.index), arrays)
