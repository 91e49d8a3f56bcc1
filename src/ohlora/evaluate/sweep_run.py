"""Drive a sweep: one direction set and one generation test per (n, k) point, resumable."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from ohlora import generators
from ohlora.editing.editor import Editor
from ohlora.editing.params import EditParams
from ohlora.evaluate.params import EvalParams, SweepParams
from ohlora.evaluate.pipeline import evaluate_run
from ohlora.evaluate.sweep import sweep_row, write_plots, write_tables
from ohlora.scorers.meter import open_meter
from ohlora.store.samples import load_samples
from ohlora.vectorfind.pipeline import find_for_run


def sweep(run: Path, params: SweepParams) -> Path:
    """Run every (n, k) point not yet done; returns the path of sweep.md."""
    p = params
    out = p.out or run / "sweep"
    samples = load_samples(run)
    meter = open_meter(run, "mesh", p.workers, p.find.algorithm)
    rows = []
    try:
        gen = None
        for n in p.n:
            for k in p.k:
                point = out / f"n{n}-k{k:g}"
                done = point / "eval" / "report.json"
                d, _, _ = find_for_run(
                    run,
                    replace(p.find, n=n, k=k),
                    out=point / "directions",
                    samples=samples,
                    save=not done.is_file(),
                )
                acc = {q: d.sets["all"].stats[q]["val_accuracy"] for q in d.sets["all"].names}
                if done.is_file():
                    summary = json.loads(done.read_text())
                else:
                    gen = gen or generators.load(d.generator)
                    editor = Editor(gen, d, meter=meter, refine=p.refine)
                    test = EvalParams(
                        cases=p.cases,
                        protocol=p.protocol,
                        out=point / "eval",
                        second_judge="none",  # sweeps compare directions, not identity
                        edit=EditParams(refine=p.refine, workers=p.workers),
                    )
                    _, summary = evaluate_run(run, test, editor=editor, record=False)
                rows.append(sweep_row(n, k, acc, summary))
                write_tables(out, rows)
    finally:
        meter.close()
    write_plots(out, rows)
    return write_tables(out, rows)
