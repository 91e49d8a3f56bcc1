"""Drive a sweep: one direction set and one generation test per (n, k) point, resumable."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ohlora import generators
from ohlora.commands.find_directions import common_options
from ohlora.editing.editor import Editor
from ohlora.evaluate.pipeline import evaluate_run
from ohlora.evaluate.sweep import sweep_row, write_plots, write_tables
from ohlora.scorers.meter import open_meter
from ohlora.store.samples import load_samples
from ohlora.vectorfind.pipeline import find_for_run


def sweep(args: argparse.Namespace) -> Path:
    """Run every (n, k) point not yet done; returns the path of sweep.md."""
    out = args.out or args.run / "sweep"
    samples = load_samples(args.run)
    meter = open_meter(args.run, "mesh", args.workers, args.algorithm)
    rows = []
    try:
        gen = None
        for n in args.n:
            for k in args.k:
                point = out / f"n{n}-k{k:g}"
                done = point / "eval" / "report.json"
                d, _, _ = find_for_run(
                    args.run,
                    k=k,
                    n=n,
                    **common_options(args),
                    out=point / "directions",
                    samples=samples,
                    save=not done.is_file(),
                )
                acc = {p: d.sets["all"].stats[p]["val_accuracy"] for p in d.sets["all"].names}
                if done.is_file():
                    summary = json.loads(done.read_text())
                else:
                    gen = gen or generators.load(d.generator)
                    editor = Editor(gen, d, meter=meter, refine=args.refine)
                    _, summary = evaluate_run(
                        args.run,
                        cases=args.cases,
                        protocol=args.protocol,
                        refine=args.refine,
                        editor=editor,
                        out=point / "eval",
                        record=False,
                    )
                rows.append(sweep_row(n, k, acc, summary))
                write_tables(out, rows)
    finally:
        meter.close()
    write_plots(out, rows)
    return write_tables(out, rows)
