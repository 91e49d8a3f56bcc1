"""`ohlora sweep`: direction finding + generation test over a grid of n and k."""

from __future__ import annotations

import argparse
from pathlib import Path

from ohlora.commands._args import (
    add_refine_arg,
    add_test_args,
    add_workers_arg,
    k_value,
    params_from,
)
from ohlora.commands.find_directions import add_find_options

OUT = "folder"  # what --out must be, checked by cli.check_paths
NAME = "sweep"
ORDER = 80
HELP = "rerun direction finding and the generation test over a grid of n and k"
DESCRIPTION = """For every n (first n rows of the store) and k (fraction or count), find directions
and run the generation test, then write the seed's two tables (SVM accuracy + corr; corr +
passed) as OUT/sweep.md / .csv / .json and two plots: sum of mean corr and passed count
against k%, and each property's corr against k%. Each point's directions are kept in
OUT/n{n}-k{k}/ and a finished point is not recomputed when the sweep is run again."""
EPILOG = """examples:
  ohlora sweep --run runs/a --n 2000,4000 --k 0.05,0.1,0.2,0.3 --cases 20
"""


def _ints(text: str) -> list[int]:
    try:
        vals = [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give integers like 2000,4000") from None
    if not vals or min(vals) < 20:
        raise argparse.ArgumentTypeError("each n must be >= 20")
    return vals


def _ks(text: str) -> list[float]:
    return [k_value(t) for t in text.split(",") if t.strip()]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--run", type=Path, required=True, help="run directory with a sample store")
    p.add_argument("--n", type=_ints, required=True, help="comma-separated sample counts")
    p.add_argument(
        "--k",
        type=_ks,
        required=True,
        help="comma-separated k values (fractions in (0, 0.5] or counts)",
    )
    add_test_args(p, "test cases per point")
    add_refine_arg(p, 0, "closed-loop rounds of the edit (0..10; default 0: the directions alone)")
    add_workers_arg(p)
    p.add_argument("--out", type=Path, default=None, help="output folder (default RUN/sweep)")
    add_find_options(p)


def run(args: argparse.Namespace) -> int:
    from ohlora.evaluate.params import SweepParams
    from ohlora.evaluate.sweep_run import sweep
    from ohlora.vectorfind.params import FindParams

    # n and k are the grid here: each point's FindParams gets its own
    find = params_from(args, FindParams, n=None, k=FindParams.k)
    print(sweep(args.run, params_from(args, SweepParams, find=find)))
    return 0
