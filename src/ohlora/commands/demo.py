"""`ohlora demo`: the whole steering job on the embedded generator, ending with a report."""

from __future__ import annotations

import argparse
from pathlib import Path

from ohlora.commands._args import (
    add_method_arg,
    add_refine_arg,
    add_test_args,
    add_workers_arg,
    int_range,
    k_value,
    params_from,
)

NAME = "demo"
ORDER = 1
HELP = "the main job: fetch weights, sample, find directions, evaluate, report (about 2 min)"
DESCRIPTION = """Runs every stage on the embedded DCGAN: fetch and verify its weights, sample and
score N faces, find the eyes / mouth / pose directions (top/bottom k, linear SVM), draw the
Oh-LoRA strip (one face: eyes, mouth, pose sweeps, 7 frames each) and run the generation test
on CASES faces. Prints the path of the report (report.md). Rerunning resumes: finished
shards are kept."""
EPILOG = """examples:
  ohlora demo
  ohlora demo --run runs/demo --n 6000 --cases 50
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--run", type=Path, default=Path("runs/demo"), help="run directory")
    p.add_argument(
        "--n", type=int_range(100, 10_000_000), default=4000, help="faces to sample (100..1e7)"
    )
    p.add_argument(
        "--k", type=k_value, default=0.2, help="top/bottom share for the SVM (fraction or count)"
    )
    add_test_args(p, "test cases")
    add_refine_arg(p)
    add_method_arg(p)
    add_workers_arg(p)


def run(args: argparse.Namespace) -> int:
    from ohlora import weights
    from ohlora.editing.params import EditParams
    from ohlora.editing.run_editor import open_editor
    from ohlora.evaluate.params import EvalParams
    from ohlora.evaluate.pipeline import evaluate_run
    from ohlora.evaluate.strip import make_strip
    from ohlora.progress import console, progress_bar
    from ohlora.sampling.local import sample
    from ohlora.sampling.params import SampleParams
    from ohlora.vectorfind.params import FindParams
    from ohlora.vectorfind.pipeline import find_for_run

    console.print("[bold]1/4[/] weights: dcgan-digiface-64")
    weights.ensure("dcgan-digiface-64")
    weights.verify("dcgan-digiface-64")
    console.print(f"[bold]2/4[/] sample {args.n} faces into {args.run}")
    params = SampleParams(
        generator="dcgan-digiface-64", n=args.n, seed=0, shard_size=1000, scorer="mesh"
    )
    with progress_bar() as bar:
        task = bar.add_task("sample", total=args.n)
        s = sample(
            args.run, params, workers=args.workers, on_progress=lambda k: bar.advance(task, k)
        )
    console.print(f"[bold]3/4[/] find directions (k={args.k})")
    _, warnings, _ = find_for_run(args.run, FindParams(k=args.k), samples=s)
    for w in warnings:
        console.print(f"warning: {w}")
    console.print(f"[bold]4/4[/] strip and generation test ({args.cases} cases, {args.protocol})")
    edit = params_from(args, EditParams)
    out = args.run / f"eval-{args.protocol}"
    editor = open_editor(args.run, edit)
    try:
        strip = make_strip(editor, seed=_strip_seed(s), out=out / "strip.png")
        test = params_from(args, EvalParams, out=out, edit=edit)
        report, summary = evaluate_run(args.run, test, editor=editor, strip=strip)
    finally:
        editor.close()
    mc = summary["mean_corr"]
    console.print(
        f"mean corr eyes {mc['eyes']:.3f} mouth {mc['mouth']:.3f} pose "
        f"{mc['pose']:.3f}; passed v7 {summary['passed_v7']}/{summary['cases']}"
    )
    print(report)
    return 0


def _strip_seed(samples) -> int:
    """A stored face close to the population mean in every property (a typical face)."""
    import numpy as np

    props = [c for c in samples.columns if c.startswith("landmark.")]
    idx = [samples.columns.index(c) for c in props]
    z = samples.normalised[:, idx]
    ok = samples.found & np.isfinite(z).all(1)
    dist = np.where(ok, np.abs(z).max(1), np.inf)
    return int(samples.seed[int(np.argmin(dist))])
