"""`ohlora sample`: generate faces, analyse and score them, write the sample store in shards.

Row i has seed `seed + i` (the project's seed rule), so a row can always be regenerated from
its seed. Shards are independent: on a rerun, complete shards are skipped and the others are
computed again, which makes the final store identical to an uninterrupted run. When every
shard is there, the run is finalised: Gaussian statistics are fitted on the faces found (or
taken from `stats_from`) and the normalised scores are written into each shard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ohlora.errors import OhloraError
from ohlora.properties.normalise import NORMALISATION_FILE, Normalisation
from ohlora.scorers.factory import make_scorer
from ohlora.store import samples as store
from ohlora.store.rundir import RunDir


@dataclass(frozen=True)
class SampleParams:
    """Every parameter that determines a sample store's content."""

    generator: str
    n: int
    seed: int
    shard_size: int
    scorer: str
    cnn: str | None = None  # the property-CNN folder (scorer "cnn" only)
    cnn_sha256: str | None = None  # its weights' digest: a retrained CNN is another scorer

    def compatible(self, other: dict[str, Any]) -> list[str]:
        """Names of parameters that differ from a recorded run (n may grow)."""
        mine = asdict(self)
        return [k for k in mine if k != "n" and other.get(k) != mine[k]]


def sample(
    run: Path,
    params: SampleParams,
    workers: int = 2,
    stats_from: Path | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> store.Samples:
    """Fill (or complete) the sample store of `run`; returns all rows, finalised."""
    from ohlora import generators

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

    n_shards = -(-params.n // params.shard_size)
    todo = []
    for j in range(n_shards):
        lo, hi = j * params.shard_size, min(params.n, (j + 1) * params.shard_size)
        if store.shard_is_complete(store.shard_path(run, j), hi - lo):
            if on_progress:
                on_progress(hi - lo)
        else:
            todo.append((j, lo, hi))

    if todo:
        gen = generators.load(params.generator)
        scorer = make_scorer(params.scorer, workers, run)
        try:
            for j, lo, hi in todo:
                seeds = np.arange(params.seed + lo, params.seed + hi, dtype=np.int64)
                z = gen.latents_for_seeds(seeds.tolist())
                images = gen.synthesize(z)
                result = scorer.score(images)
                assert result.raw.shape == (hi - lo, len(scorer.columns)), result.raw.shape
                store.write_npz(
                    store.shard_path(run, j),
                    {
                        "index": np.arange(lo, hi, dtype=np.int64),
                        "seed": seeds,
                        "z": z,
                        "raw": result.raw.astype(np.float32),
                        "found": result.found.astype(bool),
                        "columns": np.array(scorer.columns),
                    },
                )
                if on_progress:
                    on_progress(hi - lo)
        finally:
            scorer.close()
    return finalise(run, stats_from)


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
