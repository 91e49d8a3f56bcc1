"""`ohlora find-directions`: latent directions per property from a run's sample store."""

from __future__ import annotations

import argparse
from pathlib import Path

from ohlora.commands._args import (
    add_algorithm_arg,
    add_rng_seed_arg,
    add_scorer_arg,
    float_range,
    int_range,
    k_value,
    layer_list,
    params_from,
    property_list,
)

SOLVERS = ("linearsvc", "sgd")  # ohlora.vectorfind.svm.SOLVERS (not imported: no numpy at --help)
CONDITIONS = ("none", "gender", "identity")  # ohlora.vectorfind.condition.CONDITIONS (likewise)
OUT = "folder"  # what --out must be, checked by cli.check_paths
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
  ohlora find-directions --run runs/big --stream --svm sgd   # a store larger than memory
  ohlora find-directions --run runs/a --condition gender --out runs/a/directions-gender
  ohlora find-directions --run runs/a --condition none --out runs/a/directions-none
"""


def add_find_options(p: argparse.ArgumentParser) -> None:
    """The options of direction finding (`FindParams`), shared with `ohlora sweep`."""
    p.add_argument(
        "--space",
        choices=["z", "w", "w+"],
        default="z",
        help="latent space (w, w+ only for generators with a mapping network)",
    )
    p.add_argument(
        "--properties",
        type=property_list,
        default=["eyes", "mouth", "pose"],
        help="properties to steer, comma-separated (any of the seven)",
    )
    p.add_argument(
        "--keep",
        type=property_list,
        default=[],
        help="properties to hold still while steering (directions found for them too)",
    )
    add_algorithm_arg(
        p,
        "property algorithm: landmark (mesh-precise eyes/mouth/pose, the rest algorithm 2), "
        "1 or 2 (spec 2.1 / 2.2)",
    )
    p.add_argument(
        "--filter",
        default=None,
        help='only rows meeting all conditions, e.g. "gender>=0.5,quality>=0.5"',
    )
    p.add_argument(
        "--groups",
        type=property_list,
        default=[],
        help="group faces at each property's median (VectorFind-v7: "
        "hair_color,hair_length,background_mean -> 8 groups)",
    )
    p.add_argument(
        "--layers",
        type=layer_list,
        default=None,
        help="w+ only: layers a direction moves (default all)",
    )
    p.add_argument(
        "--val",
        type=float_range(0.0, 0.5),
        default=0.2,
        help="validation share for SVM accuracy (0..0.5)",
    )
    p.add_argument("--svm-c", type=float_range(1e-6, 1e6), default=1.0, help="SVM regularisation C")
    p.add_argument(
        "--svm",
        choices=SOLVERS,
        default="linearsvc",
        help="SVM solver: linearsvc (the top and bottom sets in memory; default) or sgd (a "
        "hinge-loss linear SVM by SGD, fed block by block with partial_fit: for top and "
        "bottom sets larger than memory; with --stream they are read from disk each pass)",
    )
    p.add_argument(
        "--stream",
        action="store_true",
        help="leave the latents on disk and read them shard by shard (memory: the scores "
        "plus one shard), for stores larger than memory; not with a relabelling --scorer",
    )
    p.add_argument(
        "--condition",
        choices=CONDITIONS,
        default="identity",
        help="conditional directions (InterFaceGAN): gender = every direction projected off "
        "the gender direction fitted on the shipped hand labels (the embedded DCGAN in z "
        "space only), so that opening the eyes or the mouth does not make the face more one "
        "sex; identity = the eyes and mouth directions bent off the latent moves that change "
        "who the face is, by the HSE face descriptor (not the evaluation's judge) on the "
        "run's first --identity-faces faces (the default; skipped with a warning on runs "
        "with fewer usable faces than ten per latent dimension, 1,000 for the embedded "
        "generator); none = the SVM normals as found",
    )
    p.add_argument(
        "--identity-faces",
        type=int_range(1000, 100_000),
        default=2000,
        help="--condition identity: faces whose descriptors fit it (1000..100000, default "
        "2000; their descriptors are kept in RUN/identity/ for the next run)",
    )
    p.add_argument(
        "--identity-strength",
        type=float_range(1e-4, 100.0),
        default=0.03,
        help="--condition identity: how little to bend (1e-4..100, default 0.03; smaller "
        "bends further from the person, larger leaves the directions as found)",
    )
    p.add_argument(
        "--identity-held",
        type=property_list,
        default=["eyes", "mouth"],
        help="--condition identity: the steered directions bent off the person, "
        "comma-separated (default eyes,mouth; eyes alone measured 0.8 points less of the "
        "person kept for a mouth that obeys the mesh better: docs/keeping-the-person.md)",
    )
    add_rng_seed_arg(p, "seed of the validation split and the SVM")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--run", type=Path, required=True, help="run directory with a sample store")
    p.add_argument(
        "--k",
        type=k_value,
        default=0.2,
        help="top/bottom share: a fraction in (0, 0.5] or a count >= 1",
    )
    p.add_argument(
        "--n",
        type=int_range(20),
        default=None,
        help="use only the first N rows of the store (default all)",
    )
    p.add_argument("--out", type=Path, default=None, help="output folder (default RUN/directions)")
    add_scorer_arg(
        p,
        "labels to use (default: the scorer the store was sampled with); cnn on a mesh-scored "
        "store relabels the same faces with the property CNN",
        default=None,
    )
    p.add_argument(
        "--cnn",
        type=Path,
        default=None,
        help="--scorer cnn: the CNN folder or a run holding one (default RUN/property_cnn)",
    )
    add_find_options(p)


def run(args: argparse.Namespace) -> int:
    from ohlora.vectorfind.params import FindParams
    from ohlora.vectorfind.pipeline import find_for_run

    d, warnings, out = find_for_run(args.run, params_from(args, FindParams), out=args.out)
    for w in warnings:
        print(f"warning: {w}")
    for g, s in d.sets.items():
        accs = ", ".join(f"{p} {s.stats[p]['val_accuracy']:.3f}" for p in s.names)
        print(f"{g}: validation accuracy {accs}")
    print(out)
    return 0
