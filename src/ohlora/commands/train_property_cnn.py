"""`ohlora train-property-cnn`: the property-score CNN, learned from a run's mesh scores."""

from __future__ import annotations

import argparse
from pathlib import Path

from ohlora.commands._args import add_rng_seed_arg, float_range, int_range, params_from

OUT = "folder"  # what --out must be, checked by cli.check_paths
NAME = "train-property-cnn"
ORDER = 35
HELP = "train the property-score CNN (seven area heads) on a run's mesh scores"
DESCRIPTION = """Train the property-score CNN (spec 3.2) on the faces the mesh found in RUN's sample
store: six small CNN heads, each on its own area of the image (eyes, mouth, pose, whole image
for hair colour, bottom half for hair length, upper half for background mean and std), input
in [-1, 1], outputs the seven normalised scores (eyes, mouth, pose from landmark.*, the rest
from alg2.*) in RUN's normalisation. MSE on the scores the mesh could read, a seeded
validation share held out for early stopping, AdamW with a cosine schedule, horizontal flips
(pose negated). Areas: "context" (default) gives eyes, mouth and pose a larger part of the
face than the spec's boxes; "spec" uses the spec's boxes exactly.
Prints Pearson r and MAE of CNN vs mesh per property on the held-out validation faces and on
every --test run (faces whose seeds were trained on are left out). Writes
OUT/model.safetensors, OUT/config.json and OUT/normalisation.json; then
`ohlora sample --scorer cnn --cnn OUT` labels new faces with it."""
EPILOG = """examples:
  ohlora train-property-cnn --run runs/big
  ohlora train-property-cnn --run runs/big --test runs/a --epochs 20
  ohlora train-property-cnn --run runs/big --areas spec --out runs/big/property_cnn_spec
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--run", type=Path, required=True, help="mesh-scored run to learn from")
    p.add_argument(
        "--out", type=Path, default=None, help="output folder (default RUN/property_cnn)"
    )
    p.add_argument(
        "--test",
        type=Path,
        action="append",
        default=[],
        help="mesh-scored run to measure the CNN on as well (repeatable)",
    )
    p.add_argument(
        "--n", type=int_range(20), default=None, help="use only the first N rows (default all)"
    )
    p.add_argument(
        "--areas",
        choices=["context", "spec"],
        default="context",
        help="head areas: context (larger eyes/mouth/pose boxes) or spec (spec 3.2 exactly)",
    )
    p.add_argument("--epochs", type=int_range(1, 1000), default=12, help="most epochs (1..1000)")
    p.add_argument(
        "--patience",
        type=int_range(1, 1000),
        default=4,
        help="stop after this many epochs without a better validation loss (1..1000)",
    )
    p.add_argument(
        "--batch-size", type=int_range(8, 4096), default=128, help="batch size (8..4096)"
    )
    p.add_argument(
        "--lr", type=float_range(1e-6, 1.0), default=3e-3, help="AdamW peak learning rate"
    )
    p.add_argument(
        "--weight-decay", type=float_range(0.0, 1.0), default=1e-4, help="AdamW weight decay"
    )
    p.add_argument(
        "--val",
        type=float_range(0.01, 0.5),
        default=0.1,
        help="validation share held out (0.01..0.5)",
    )
    p.add_argument("--no-flip", action="store_true", help="no horizontal-flip augmentation")
    p.add_argument(
        "--shift",
        type=int_range(0, 4),
        default=1,
        help="random whole-batch shift of up to this many pixels (0..4)",
    )
    add_rng_seed_arg(p, "split and init seed")
    p.add_argument(
        "--threads",
        type=int_range(1, 256),
        default=None,
        help="torch threads (default: torch's choice, one per core)",
    )


def _table(title: str, figs: dict, std: dict[str, float]) -> str:
    lines = [
        title,
        f"  {'property':16} {'column':22} {'n':>6} {'r':>7} {'MAE (sd)':>9} {'MAE (raw)':>10}",
    ]
    for prop, f in figs.items():
        r = "-" if f["r"] is None else f"{f['r']:.4f}"
        mae = "-" if f["mae"] is None else f"{f['mae']:.4f}"
        raw = "-" if f["mae"] is None else f"{f['mae'] * std[prop]:.4g}"
        lines.append(f"  {prop:16} {f['column']:22} {f['n']:6d} {r:>7} {mae:>9} {raw:>10}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    import torch

    from ohlora.scorers.cnn.train import TrainParams
    from ohlora.scorers.cnn.train_run import train_for_run

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    # the model records these under the names its config has always used
    params = params_from(args, TrainParams, val_fraction=args.val, flip=not args.no_flip)
    report = train_for_run(
        args.run, params, out=args.out, areas=args.areas, n=args.n, tests=args.test
    )
    t = report["training"]
    print(
        f"trained on {t['train_faces']} faces of {args.run} in {t['seconds']:.0f} s "
        f"({torch.get_num_threads()} threads), best epoch {t['best_epoch']} of "
        f"{len(t['history'])}{' (stopped early)' if t['stopped_early'] else ''}"
    )
    fit = t["training_fit"]
    blocks = [
        (
            f"held out: {t['val_faces']} validation faces of {args.run} (never trained on; "
            "they chose the epoch)",
            t["validation"],
        ),
        (
            f"training fit: {fit['faces']} of the training faces (seen in training; the "
            "original reported this kind of figure)",
            fit["figures"],
        ),
    ]
    for test in t["tests"]:
        left = f", {test['left_out']} trained-on seeds left out" if test["left_out"] else ""
        blocks.append((f"test run {test['run']}: {test['faces']} faces{left}", test["figures"]))
    for title, figs in blocks:
        print(_table(title, figs, report["std"]))
    print(report["out"])
    return 0
