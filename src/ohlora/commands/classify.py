"""`ohlora classify`: gender and quality probabilities for every row of a run's sample store."""

from __future__ import annotations

import argparse
from pathlib import Path

from ohlora.commands._args import add_face_seed_arg, int_range

NAME = "classify"
ORDER = 35
HELP = "add gender / quality probabilities to a run's sample store (for --filter)"
DESCRIPTION = """Regenerate every stored face from its latent and add the trained classifiers'
probabilities as store columns `gender` (P woman) and `quality` (P good), written after each
chunk (a killed run keeps its finished chunks; rerun to finish). Then `--filter
"gender>=0.5,quality>=0.5"` works in `ohlora find-directions` and `ohlora evaluate`.
Prints the share of women and of good quality among the rows before and after the filter,
and, for comparison, what the same filter does to the hand-labelled faces (out of fold).
With --fresh N, no store is needed: faces of seeds SEED..SEED+N-1 are classified and only
the shares are printed (nothing is written)."""
EPILOG = """examples:
  ohlora classify --run runs/a
  ohlora classify --run runs/a --filter "gender>=0.7,quality>=0.5"
  ohlora classify --run runs/a --fresh 2000         # shares on fresh faces, no store
  ohlora find-directions --run runs/a --filter "gender>=0.5,quality>=0.5"
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--run", type=Path, required=True, help="run directory with a sample store")
    p.add_argument(
        "--classifiers",
        type=Path,
        default=None,
        help="folder of trained classifiers (default RUN/classifiers)",
    )
    p.add_argument(
        "--filter",
        default="gender>=0.5,quality>=0.5",
        help="the filter whose effect is reported (conditions over gender, quality)",
    )
    p.add_argument(
        "--fresh",
        type=int_range(1, 10_000_000),
        default=None,
        help="classify N fresh faces by seed instead of the store (writes nothing)",
    )
    add_face_seed_arg(p, "with --fresh: seed of the first face")
    p.add_argument(
        "--chunk",
        type=int_range(1, 100_000),
        default=512,
        help="rows per chunk (1..1e5): the most work a kill can lose",
    )


def run(args: argparse.Namespace) -> int:

    from ohlora.classifiers.classify import classify_run, classify_seeds, shares
    from ohlora.classifiers.conditions import condition_mask, parse_conditions
    from ohlora.classifiers.train_run import filter_on_labels
    from ohlora.generators.seeds import seed_range
    from ohlora.progress import progress_bar
    from ohlora.store.filter import filter_mask

    parse_conditions(args.filter)  # a bad filter fails before any work
    folder = args.classifiers or args.run / "classifiers"
    with progress_bar() as bar:
        task = bar.add_task("classify", total=args.fresh)
        if args.fresh:
            seeds = seed_range(args.seed, args.fresh)
            p = classify_seeds(folder, seeds, args.chunk, lambda k: bar.advance(task, k))
            g, q = p["gender"], p["quality"]
            keep = condition_mask(p, args.filter)
            what = f"fresh faces (seeds {args.seed}..{args.seed + args.fresh - 1})"
        else:
            s = classify_run(
                args.run,
                folder,
                chunk=args.chunk,
                on_progress=lambda k: bar.advance(task, k),
                on_total=lambda n: bar.update(task, total=n),
            )
            g, q = s.column("gender"), s.column("quality")
            keep = filter_mask(s, args.filter)
            what = f"rows of {args.run}"
    sh = shares(g, q, keep)
    b, a = sh["before"], sh["after"]
    print(f'{b["rows"]} {what} classified; filter "{args.filter}" keeps {a["rows"]}')
    print(
        f"  before: women {b['women']:.1%} (mean P {b['mean_gender']:.3f}), "
        f"good quality {b['good']:.1%} (mean P {b['mean_quality']:.3f})"
    )
    print(
        f"  after:  women {a['women']:.1%} (mean P {a['mean_gender']:.3f}), "
        f"good quality {a['good']:.1%} (mean P {a['mean_quality']:.3f})"
    )
    lab = filter_on_labels(folder, args.filter)
    print(
        f"  hand labels, out of fold ({int(lab['rows'])} faces; the filter keeps "
        f"{int(lab['kept'])}): women {lab['women_before']:.1%} -> {lab['women_after']:.1%}, "
        f"good quality {lab['good_before']:.1%} -> {lab['good_after']:.1%}"
    )
    return 0
