"""`ohlora sample`: sample faces, analyse and score them into a run's sample store."""

from __future__ import annotations

import argparse
from pathlib import Path

from ohlora.commands._args import (
    add_face_seed_arg,
    add_generator_arg,
    add_scorer_arg,
    add_workers_arg,
    int_range,
    params_from,
)

INTERRUPTED = (
    "interrupted; finished shards and the rows flushed in the last seconds are kept, run the "
    "same command again to continue"
)
NAME = "sample"
ORDER = 30
HELP = "sample faces, analyse and score all seven properties into a resumable store"
DESCRIPTION = """Generate N faces (row i has seed SEED+i), analyse each with mediapipe (face mesh +
selfie mask), compute the raw property scores of algorithms 1, 2 and the landmark variant,
and write them in shards to RUN/samples/. Killed at any point and run again with the same
arguments, it continues where it stopped (rows are flushed every few seconds, so a kill loses
at most a few seconds of work); the result equals an uninterrupted run. A smaller --n than the
run holds is refused unless --shrink is given. Finally the
scores are Gaussian-normalised (statistics in RUN/normalisation.json).
With --scorer cnn the property CNN (`ohlora train-property-cnn`) scores the faces instead,
far faster: the seven columns eyes, mouth, pose (landmark.*) and hair/background (alg2.*),
every non-blank image counted as a face; the scores are normalised with the CNN's own
training statistics unless --stats is given, so the store shares units with the run the CNN
learned from.
With --engine ray the shards are computed by --workers Ray actors (each loads the generator
and the scorer once) on the cluster at --address, or on a private one-machine Ray without it;
this process alone writes the store, in the same layout, and the result equals the local
engine's bit for bit. A killed worker is restarted and its shard retried; a killed driver
continues from the shards on disk when run again. Needs requirements/ray.txt."""
EPILOG = """examples:
  ohlora sample --n 2000 --run runs/a
  ohlora sample --n 4000 --run runs/a            # grows the same run to 4000 rows
  ohlora sample --n 500 --run runs/b --stats runs/a/normalisation.json
  ohlora sample --n 100000 --run runs/c --scorer cnn --cnn runs/a/property_cnn
  ohlora sample --n 100000 --run runs/d --engine ray --address 10.0.0.5:6379 --workers 32
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--run", type=Path, required=True, help="run directory (created or resumed)")
    p.add_argument(
        "--n", type=int_range(1, 10_000_000), default=4000, help="number of faces (1..1e7)"
    )
    add_face_seed_arg(p, "seed of row 0; row i uses SEED+i, up to the last face seed")
    p.add_argument(
        "--shard-size",
        type=int_range(10, 100_000),
        default=1000,
        help="rows per shard (10..100000): the most work a kill can lose",
    )
    add_scorer_arg(p, "mesh: mediapipe analysis; cnn: a trained property CNN (see --cnn)")
    p.add_argument(
        "--cnn",
        type=Path,
        default=None,
        help="--scorer cnn: the CNN folder, or a run holding one in property_cnn/ (default: "
        "the one RUN was sampled with, else RUN/property_cnn)",
    )
    add_workers_arg(p)
    p.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="local: this process and its --workers analysis processes (default); ray: "
        "--workers Ray actors (1..64, one CPU each) compute the shards",
    )
    p.add_argument(
        "--address",
        default=None,
        help="--engine ray: the cluster's head, HOST:PORT as `ray start --head` prints it, or "
        "auto (default: a private Ray on this machine with --workers CPUs)",
    )
    p.add_argument(
        "--stats",
        type=Path,
        default=None,
        help="reuse normalisation statistics from this JSON instead of fitting them "
        "(default with --scorer cnn: the CNN's training statistics)",
    )
    p.add_argument(
        "--shrink",
        action="store_true",
        help="allow --n smaller than the rows RUN already holds: the rows past N are deleted "
        "and the statistics refitted (without it such a --n is refused, nothing deleted)",
    )
    add_generator_arg(p)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from ohlora.errors import OhloraError
    from ohlora.progress import progress_bar
    from ohlora.sampling.local import sample
    from ohlora.sampling.params import SampleParams

    cnn = sha = None
    stats = args.stats
    if args.scorer == "cnn":
        from ohlora.scorers.cnn.folder import cnn_for_sampling

        cnn, sha, cnn_stats = cnn_for_sampling(args.run, args.cnn, args.generator)
        stats = stats or cnn_stats
    elif args.cnn is not None:
        raise OhloraError("--cnn goes with --scorer cnn")
    params = params_from(args, SampleParams, cnn=cnn, cnn_sha256=sha)
    if args.engine == "local" and args.address is not None:
        raise OhloraError("--address goes with --engine ray")
    if args.engine == "ray" and args.workers < 1:
        raise OhloraError("--engine ray needs --workers 1 or more (the number of Ray actors)")
    with progress_bar() as bar:
        task = bar.add_task("sample", total=args.n)
        common = {
            "workers": args.workers,
            "stats_from": stats,
            "on_progress": lambda k: bar.advance(task, k),
            "shrink": args.shrink,
        }
        if args.engine == "ray":
            from ohlora.sampling.cluster import sample as ray_sample

            s = ray_sample(args.run, params, address=args.address, on_workers=_say, **common)
        else:
            s = sample(args.run, params, **common)
    found = float(np.mean(s.found)) if len(s) else 0.0
    print(f"{len(s)} rows, faces found {found:.1%}, store {args.run / 'samples'}")
    return 0


def _say(places: list[tuple[str, str, int]]) -> None:
    """One line: how many Ray workers run on how many nodes (and their addresses)."""
    nodes = {node for node, _, _ in places}
    ips = sorted({ip for _, ip, _ in places})
    print(f"ray: {len(places)} workers on {len(nodes)} node(s) at {', '.join(ips)}", flush=True)
