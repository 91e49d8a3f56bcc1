"""The local sampling engine: every missing shard computed in this process (and its face
analysis workers), then the store finalised.

Killed at any point and run again with the same parameters, it continues where it stopped;
the result equals an uninterrupted run (`shards`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ohlora.sampling.finalise import finalise
from ohlora.sampling.params import SampleParams
from ohlora.sampling.shards import compute_shard, plan, write_shard
from ohlora.scorers.factory import make_scorer
from ohlora.store.samples import Samples


def sample(
    run: Path,
    params: SampleParams,
    workers: int = 2,
    stats_from: Path | None = None,
    on_progress: Callable[[int], None] | None = None,
    *,
    shrink: bool = False,
) -> Samples:
    """Fill (or complete) the sample store of `run`; returns all rows, finalised (with the
        statistics in `stats_from` when given, else fitted on the faces found). A smaller
    `params.n` than the rows held is refused unless `shrink` (see `shards.plan`)."""
    from ohlora import generators

    todo = plan(run, params, on_progress, shrink=shrink)
    if todo:
        gen = generators.load(params.generator)
        scorer = make_scorer(params.scorer, workers, run)
        try:
            for job in todo:
                arrays = compute_shard(gen, scorer, params, job, run, on_rows=on_progress)
                write_shard(run, job, arrays)
        finally:
            scorer.close()
    return finalise(run, stats_from)
