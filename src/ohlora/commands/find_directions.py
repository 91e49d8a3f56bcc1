"""`ohlora find-directions`: latent directions per property from a run's sample store."""

from __future__ import annotations

import argparse
from pathlib import Path

from ohlora.commands._args import float_range, int_range
from ohlora.properties.columns import PROPERTIES

NAME = "find-directions"
ORDER = 50
HELP = "find the latent direction of each property (top/bottom-k faces, linear SVM)"
DESCRIPTION = """For each property, take the faces with the top and bottom k scores, separate them
with a linear SVM (LinearSVC) in the generator's latent space and keep its unit normal,
oriented so that a positive step raises the score. A validation split measures the SVM's
accuracy. A linear response model of every property is fitted too: it converts targets in
normalised units into steps. Writes RUN/directions/directions.{safetensors,json}."""
EPILOG = """examples:
  ohlora find-directions --run runs/a --space z --k 0.2
  ohlora find-directions --run runs/a --k 800 --properties eyes,mouth,pose,hair_length
  ohlora find-directions --run runs/a --groups hair_color,hair_length,background_mean
  ohlora find-directions --run runs/a --filter "gender>=0.5,quality>=0.5"
  ohlora find-directions --run runs/a --scorer cnn --out runs/a/directions-cnn
"""


def _props(text: str) -> list[str]:
    names = [t.strip() for t in text.split(",") if t.strip()]
    bad = [n for n in names if n not in PROPERTIES]
    if bad:
        raise argparse.ArgumentTypeError(
            f"unknown propert{'ies' if len(bad) > 1 else 'y'} "
            f"{', '.join(bad)}; choose from {', '.join(PROPERTIES)}"
        )
    return names


def _k(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not ((0 < v <= 0.5) or (v >= 1 and v.is_integer())):
        raise argparse.ArgumentTypeError(f"k={v}: give a fraction in (0, 0.5] or a count >= 1")
    return v


def _layers(text: str) -> list[int]:
    try:
        return sorted({int(t) for t in text.split(",") if t.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"layers {text!r}: give indices like 0,1,2,3") from None


def add_common(p: argparse.ArgumentParser) -> None:
    """Options shared with `ohlora sweep`."""
    p.add_argument(
        "--space",
        choices=["z", "w", "w+"],
        default="z",
        help="latent space (w, w+ only for generators with a mapping network)",
    )
    p.add_argument(
        "--properties",
        type=_props,
        default=["eyes", "mouth", "pose"],
        help="properties to steer, comma-separated (any of the seven)",
    )
    p.add_argument(
        "--keep",
        type=_props,
        default=[],
        help="properties to hold still while steering (directions found for them too)",
    )
    p.add_argument(
        "--algorithm",
        choices=["landmark", "1", "2"],
        default="landmark",
        help="property algorithm: landmark (mesh-precise eyes/mouth/pose, the rest "
        "algorithm 2), 1 or 2 (spec 2.1 / 2.2)",
    )
    p.add_argument(
        "--filter",
        default=None,
        help='only rows meeting all conditions, e.g. "gender>=0.5,quality>=0.5"',
    )
    p.add_argument(
        "--groups",
        type=_props,
        default=[],
        help="group faces at each property's median (VectorFind-v7: "
        "hair_color,hair_length,background_mean -> 8 groups)",
    )
    p.add_argument(
        "--layers",
        type=_layers,
        default=None,
        help="w+ only: layers a direction moves (default all)",
    )
    p.add_argument(
        "--val",
        type=float_range(0.0, 0.5),
        default=0.2,
        help="validation share for SVM accuracy (0..0.5)",
    )
    p.add_argument(
        "--svm-c", type=float_range(1e-6, 1e6), default=1.0, help="LinearSVC regularisation C"
    )
    p.add_argument("--seed", type=int_range(0), default=0, help="seed of the validation split")


def common_options(args: argparse.Namespace) -> dict[str, object]:
    """The options of `add_common` as keyword arguments of `find_for_run`."""
    return {
        "space": args.space,
        "steered": args.properties,
        "kept": args.keep,
        "algorithm": args.algorithm,
        "filter_expr": args.filter,
        "group_by": args.groups,
        "layers": args.layers,
        "val_fraction": args.val,
        "seed": args.seed,
        "svm_c": args.svm_c,
    }


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--run", type=Path, required=True, help="run directory with a sample store")
    p.add_argument(
        "--k", type=_k, default=0.2, help="top/bottom share: a fraction in (0, 0.5] or a count >= 1"
    )
    p.add_argument(
        "--n",
        type=int_range(20),
        default=None,
        help="use only the first N rows of the store (default all)",
    )
    p.add_argument("--out", type=Path, default=None, help="output folder (default RUN/directions)")
    p.add_argument(
        "--scorer",
        choices=["mesh", "cnn"],
        default=None,
        help="labels to use (default: the scorer the store was sampled with); cnn on a "
        "mesh-scored store relabels the same faces with the property CNN",
    )
    p.add_argument(
        "--cnn",
        type=Path,
        default=None,
        help="--scorer cnn: the CNN folder or a run holding one (default RUN/property_cnn)",
    )
    add_common(p)


def run(args: argparse.Namespace) -> int:
    from ohlora.vectorfind.pipeline import find_for_run

    d, warnings, out = find_for_run(
        args.run,
        k=args.k,
        n=args.n,
        out=args.out,
        scorer=args.scorer,
        cnn=args.cnn,
        **common_options(args),
    )
    for w in warnings:
        print(f"warning: {w}")
    for g, s in d.sets.items():
        accs = ", ".join(f"{p} {s.stats[p]['val_accuracy']:.3f}" for p in s.names)
        print(f"{g}: validation accuracy {accs}")
    print(out)
    return 0
