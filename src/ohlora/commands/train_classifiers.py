"""`ohlora train-classifiers`: the gender and quality CNNs, K-fold, with restarts."""

from __future__ import annotations

import argparse
from pathlib import Path

from ohlora.commands._args import add_rng_seed_arg, float_range, int_range, params_from

OUT = "folder"  # what --out must be, checked by cli.check_paths
NAME = "train-classifiers"
ORDER = 26
HELP = "train the gender and quality CNNs on hand labels (K-fold, failed folds retrained)"
DESCRIPTION = """Train two small CNNs on hand-labelled faces (spec 3.1): gender (1 woman, 0 man) on
the whole image with K-fold, quality (1 good, 0 bad) with stratified K-fold on the whole
image by default: on the 2,000 shipped labels it measured out-of-fold ROC AUC 0.850 against
0.749 for the spec's top-centre area (x 1/4..3/4, y 0..1/4), which --quality-area top-centre
still selects (bad faces here are mostly distorted below the forehead). Binary cross-entropy,
flips / shifts / mild colour jitter as augmentation. A fold whose validation BCE is above the
threshold after its epochs is retrained from a new initialisation, at most --max-retries
times (each retry is printed and recorded); the default threshold is the fold's class-prior
BCE, i.e. a fold fails when it does no better than guessing the class ratio.
Labels: the shipped 2,000 (embedded generator: 256 by latent + 1,744 by seed 200000..201743)
unless --no-shipped, plus every --labels CSV
(a run's labelling sheet RUN/labels.csv, or an exported labels.csv + latents.npy).
Prints out-of-fold accuracy and ROC AUC beside the majority-class baseline, and what the
filter "gender>=0.5,quality>=0.5" does to the labelled faces. Writes gender / quality
.safetensors + .json and oof.csv to RUN/classifiers (or --out)."""
EPILOG = """examples:
  ohlora train-classifiers --run runs/a
  ohlora train-classifiers --run runs/a --quality-area top-centre   # the spec's area
  ohlora train-classifiers --run runs/a --labels runs/a/labels.csv --epochs 40
  ohlora train-classifiers --run runs/b --labels runs/b/labels.csv --no-shipped \\
      --generator stylegan-celeba-partial-256
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--run", type=Path, required=True, help="run directory (created if new)")
    p.add_argument(
        "--labels",
        type=Path,
        action="append",
        default=[],
        help="extra labels CSV (repeatable): a run's labels.csv or an exported set",
    )
    p.add_argument("--no-shipped", action="store_true", help="leave out the shipped 2,000 labels")
    p.add_argument("--folds", type=int_range(2, 20), default=5, help="folds per task (2..20)")
    p.add_argument(
        "--epochs", type=int_range(1, 1000), default=30, help="epochs per fold (1..1000)"
    )
    p.add_argument(
        "--bce-threshold",
        type=float_range(0.0, 100.0),
        default=None,
        help="validation BCE above which a fold failed (0..100; none: the fold's class-prior "
        "BCE, i.e. no better than guessing the class ratio)",
    )
    p.add_argument(
        "--max-retries",
        type=int_range(0, 20),
        default=3,
        help="retrainings of a failed fold before it is kept as failed (0..20)",
    )
    p.add_argument(
        "--quality-area",
        choices=["top-centre", "whole", "upper-half"],
        default="whole",
        help="image area the quality CNN sees (default whole: measured better; spec: top-centre)",
    )
    add_rng_seed_arg(p, "folds and init seed")
    p.add_argument(
        "--generator",
        default=None,
        help="generator of the labels (default: the one the labels record, else the embedded)",
    )
    p.add_argument("--out", type=Path, default=None, help="output folder (default RUN/classifiers)")


def run(args: argparse.Namespace) -> int:
    import time

    from ohlora.classifiers.conditions import DEFAULT_FILTER
    from ohlora.classifiers.labels import read_labels, shipped_label_sets
    from ohlora.classifiers.train import TrainParams
    from ohlora.classifiers.train_run import filter_on_labels, train_classifiers
    from ohlora.progress import console
    from ohlora.store.rundir import RunDir

    shipped = [] if args.no_shipped else shipped_label_sets()
    sets = shipped + [read_labels(p) for p in args.labels]
    params = params_from(args, TrainParams)
    out = args.out or args.run / "classifiers"
    events: list[str] = []

    def log(msg: str) -> None:
        events.append(msg)
        console.print(f"[yellow]{msg}[/]")

    start = time.perf_counter()
    results = train_classifiers(
        sets,
        out,
        params,
        generator=args.generator,
        quality_area=args.quality_area,
        on_event=log,
    )
    seconds = time.perf_counter() - start
    RunDir(args.run).record_stage(
        "train-classifiers",
        {
            "labels": [s.source for s in sets],
            "folds": args.folds,
            "epochs": args.epochs,
            "bce_threshold": args.bce_threshold,
            "max_retries": args.max_retries,
            "quality_area": args.quality_area,
            "seed": args.seed,
            "out": str(out),
            "events": events,
            "seconds": round(seconds, 1),
        },
    )
    print(
        f"labels: {', '.join(s.source for s in sets)}\n"
        f"cross-validated ({args.folds} folds, out-of-fold predictions; "
        f"trained in {seconds:.0f} s on one thread):"
    )
    print(
        f"  {'task':8} {'area':11} {'n':>4} {'accuracy':>9} {'majority':>9} "
        f"{'ROC AUC':>8} {'majority':>9} {'BCE':>6} {'prior':>6}  failed folds"
    )
    for task, r in results.items():
        f = r.figures
        failed = sum(fr.failed for fr in r.folds)
        retries = sum(len(fr.attempts) - 1 for fr in r.folds)
        print(
            f"  {task:8} {r.spec.area:11} {len(r.labels):4d} {f['accuracy']:9.3f} "
            f"{f['baseline_accuracy']:9.3f} {f['roc_auc']:8.3f} {f['baseline_roc_auc']:9.3f} "
            f"{f['bce']:6.3f} {f['baseline_bce']:6.3f}  {failed} ({retries} retries)"
        )
    s = filter_on_labels(out, DEFAULT_FILTER)
    print(
        f'filter "{DEFAULT_FILTER}" on the {int(s["rows"])} faces with both labels (out of '
        f"fold): keeps {int(s['kept'])}; women {s['women_before']:.1%} -> "
        f"{s['women_after']:.1%}, good quality {s['good_before']:.1%} -> {s['good_after']:.1%}"
    )
    print(out)
    return 0
