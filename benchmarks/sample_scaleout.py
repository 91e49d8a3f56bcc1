"""Sampling on one machine: the local engine vs the Ray engine with 1 and 2 worker processes,
all in the same run, plus the driver's store write rate (what a big cluster saturates first).

Run: .venv/bin/python benchmarks/sample_scaleout.py [--n 300] [--shard-size 50]
         [--scorer mesh|cnn --cnn FOLDER_OR_RUN]
Prints the command, the machine, faces/s of each engine over the same seeds (a fresh store
each), the ratio to the local engine, and the Ray start time (paid once per command). Every
timed run goes through the engines' own `sample` (generation, scoring, shard writing,
finalisation); the Ray runs also include starting their actors (generator and scorer loaded
once per actor). The stores are checked to be identical, so the speed is for the same work.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from machine import describe  # benchmarks/machine.py (this script's folder is on sys.path)


def timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def write_rate(shard: int, z_dim: int, columns: int, tmp: Path) -> float:
    """Faces/s the driver alone can write as shards (atomic .npz of random rows)."""
    from ohlora.store import samples as store

    rng = np.random.default_rng(0)
    arrays = {
        "index": np.arange(shard, dtype=np.int64),
        "seed": np.arange(shard, dtype=np.int64),
        "z": rng.normal(size=(shard, z_dim)).astype(np.float32),
        "raw": rng.normal(size=(shard, columns)).astype(np.float32),
        "found": np.ones(shard, bool),
        "columns": np.array([f"c{i}" for i in range(columns)]),
    }
    reps = 20
    t, _ = timed(lambda: [store.write_npz(tmp / f"w{i}.npz", arrays) for i in range(reps)])
    return reps * shard / t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=300, help="faces per engine (same seeds each)")
    ap.add_argument("--shard-size", type=int, default=50, help="rows per shard (= per task)")
    ap.add_argument("--scorer", choices=("mesh", "cnn"), default="mesh")
    ap.add_argument("--cnn", default=None, help="--scorer cnn: a CNN folder or a run holding one")
    ap.add_argument("--local-workers", type=int, default=2, help="local mesh analysis processes")
    args = ap.parse_args()
    print(f"command: {' '.join([sys.executable, *sys.argv])}")
    print(f"machine: {describe()}")

    import ray

    from ohlora.sampling import cluster, local
    from ohlora.sampling.params import SampleParams

    cnn = sha = stats = None
    if args.scorer == "cnn":
        from ohlora.scorers.cnn.folder import cnn_for_sampling

        cnn, sha, stats = cnn_for_sampling(Path("."), Path(args.cnn), "dcgan-digiface-64")
    p = SampleParams("dcgan-digiface-64", args.n, 0, args.shard_size, args.scorer, cnn, sha)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t_local, ref = timed(
            lambda: local.sample(tmp / "local", p, workers=args.local_workers, stats_from=stats)
        )
        rows.append((f"local engine ({args.local_workers} analysis processes)", t_local))
        t_start, _ = timed(lambda: cluster.connect(None, 2))  # a private 2-CPU Ray
        try:
            for w in (1, 2):
                t, s = timed(
                    lambda w=w: cluster.sample(tmp / f"ray{w}", p, workers=w, stats_from=stats)
                )
                assert np.array_equal(s.z, ref.z) and np.array_equal(
                    s.raw, ref.raw, equal_nan=True
                ), "the Ray store differs from the local one"
                rows.append((f"ray engine, {w} worker{'s' if w > 1 else ''}", t))
        finally:
            ray.shutdown()
        w_rate = write_rate(1000, ref.z.shape[1], len(ref.columns), tmp)

    print(f"scorer {args.scorer}, {args.n} faces, shards of {args.shard_size}; stores identical")
    print(f"{'engine':<44} {'seconds':>8} {'faces/s':>8} {'vs local':>9}")
    for name, t in rows:
        print(f"{name:<44} {t:>8.1f} {args.n / t:>8.1f} {t_local / t:>8.1%}")
    print(f"ray start (once per command, not in the rows above): {t_start:.1f} s")
    per_worker = args.n / rows[1][1]
    print(
        f"per-worker rate {per_worker:.1f} faces/s; driver shard writes {w_rate:,.0f} faces/s "
        f"(1000-row shards): the driver's writes saturate at about "
        f"{w_rate / per_worker:,.0f} workers"
    )


if __name__ == "__main__":
    main()
