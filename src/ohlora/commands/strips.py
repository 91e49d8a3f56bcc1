"""`ohlora strips`: the lowest- and highest-scoring faces of each property, as one image."""

from __future__ import annotations

import argparse
from pathlib import Path

from ohlora.commands._args import add_algorithm_arg, int_range

OUT = (".png",)  # what --out must be, checked by cli.check_paths
NAME = "strips"
ORDER = 40
HELP = "draw the lowest- and highest-scoring faces of each property"
DESCRIPTION = """For each of the seven properties, the COUNT faces with the lowest and the
COUNT with the highest normalised score in a run's sample store (faces found only), one row
each, in a single PNG. Reading it shows whether each score means what it says."""
EPILOG = """example:
  ohlora strips --run runs/a --out runs/a/strips.png
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--run", type=Path, required=True, help="run directory with a sample store")
    p.add_argument("--out", type=Path, default=None, help="PNG path (default RUN/strips.png)")
    p.add_argument("--count", type=int_range(1, 32), default=8, help="faces per end (1..32)")
    add_algorithm_arg(p, "which property algorithm's scores to rank by")


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from ohlora import generators
    from ohlora.evaluate.figures import labelled_rows, save_png
    from ohlora.properties.columns import resolve
    from ohlora.store.rundir import run_generator_name
    from ohlora.store.samples import load_samples

    s = load_samples(args.run)
    g = generators.load(run_generator_name(args.run))
    rows = []
    for prop, col in resolve(args.algorithm).items():
        v = s.column(col)
        ok = np.flatnonzero(s.found & np.isfinite(v))
        order = ok[np.argsort(v[ok], kind="stable")]
        for end, idx in (("low", order[: args.count]), ("high", order[-args.count :])):
            imgs = g.synthesize(s.z[idx])
            vals = v[idx]
            rows.append((f"{prop} {end}\n{vals.min():+.1f}..{vals.max():+.1f}", imgs))
    out = args.out or args.run / "strips.png"
    print(save_png(labelled_rows(rows, scale=2, label_w=120), out))
    return 0
