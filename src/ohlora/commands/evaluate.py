"""`ohlora evaluate`: the generation test (per case 50 asked combinations, corr / MAE / pass)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ohlora.commands._args import (
    add_carry_arg,
    add_directions_arg,
    add_max_turn_arg,
    add_method_arg,
    add_mirror_turn_arg,
    add_refine_arg,
    add_rng_seed_arg,
    add_scorer_arg,
    add_test_args,
    add_views_arg,
    add_workers_arg,
    params_from,
)

OUT = "folder"  # what --out must be, checked by cli.check_paths
NAME = "evaluate"
ORDER = 70
HELP = "generation test: ask 50 property combinations per face, measure back, corr/MAE/pass"
DESCRIPTION = """Per case: a random base face (seeds from 1e9 up, never a store row) edited to the
protocol's 50 (eyes, mouth, pose) combinations, every image measured back by the judge
scorer; per case and property the Pearson corr and MAE of asked vs measured; mean corr
over cases; pass counts under both rules (v3: corr >= 0.77/0.85/0.82 and MAE <= 1.0/0.6/1.4;
v7: |corr| >= 0.92/0.88/0.92, eyes/mouth/pose).
Protocol v3: eyes {-1.8, 1.8} x mouth {-1.2, -0.6, 0, 0.8, 1.6} x pose {-2.4 .. 2.4 step 1.2}
(the original's {-1.2 .. 3.6} centred on the population mean). Protocol v7: eyes {-1.2, 1.2} x
mouth {-1.8, -0.9, 0, 0.9, 1.8} x pose {-1.8, -1.2, -0.6, 0, 0.6}.
Writes OUT/cases.csv, OUT/report.json, OUT/report.md, best_case.png and worst_case.png.
With --finetune DIR the faces come from a fine-tuned conditional generator (`ohlora
finetune`): each case's z generated at the 50 asked combinations, its base face the model at
the population mean (0) of every property; the report goes to DIR/eval-PROTOCOL.
Note: with --refine > 0 and --judge mesh, the edit's closed loop uses the same scorer as the
judge; --refine 0 gives the open-loop figure."""
EPILOG = """examples:
  ohlora evaluate --run runs/a --cases 20 --protocol v7
  ohlora evaluate --run runs/a --cases 100 --protocol v3 --refine 0 --out runs/a/eval-open
  ohlora evaluate --run runs/a --finetune runs/a/finetune-v3 --cases 30 --protocol v3
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--run", type=Path, required=True, help="run directory")
    add_test_args(p, "number of base faces")
    add_refine_arg(p)
    add_method_arg(p)
    add_max_turn_arg(p)
    add_mirror_turn_arg(p)
    add_carry_arg(p)
    add_views_arg(p, "test-time views the edit's own measurements average (the judge uses 1)")
    add_scorer_arg(
        p,
        "scorer that measures the edited faces (cnn: the property CNN the run was sampled "
        "with, else RUN/property_cnn)",
        flag="--judge",
    )
    p.add_argument(
        "--second-judge",
        choices=["dlib", "none"],
        default="dlib",
        help="independent judge of identity (same person as the unedited face) and of "
        "obedience: dlib's descriptor and 68 landmarks, never used by any edit (default); "
        "none skips both (background and unasked properties are still measured)",
    )
    add_directions_arg(p)
    p.add_argument(
        "--finetune",
        type=Path,
        default=None,
        help="test a fine-tuned model folder (`ohlora finetune`) instead of the run's editor",
    )
    p.add_argument(
        "--filter",
        default=None,
        help='draw base faces meeting these conditions, e.g. "gender>=0.5"',
    )
    add_rng_seed_arg(p, "seed for drawing base faces")
    p.add_argument(
        "--out", type=Path, default=None, help="report folder (default RUN/eval-PROTOCOL)"
    )
    add_workers_arg(p)


def run(args: argparse.Namespace) -> int:
    from ohlora.editing.params import EditParams
    from ohlora.errors import OhloraError
    from ohlora.evaluate.params import EvalParams
    from ohlora.evaluate.pipeline import evaluate_run

    editor = None
    if args.finetune is not None and args.max_turn is not None:
        raise OhloraError(
            "--max-turn limits the run's editor; a fine-tuned generator draws the asked pose "
            "itself: drop --max-turn or --finetune"
        )
    if args.finetune is not None:
        from ohlora.finetune.editor import FineTuneEditor

        editor = FineTuneEditor.open(args.finetune)
        if args.out is None:
            args.out = args.finetune / f"eval-{args.protocol}"
    params = params_from(args, EvalParams, edit=params_from(args, EditParams))
    report, s = evaluate_run(args.run, params, editor=editor)  # type: ignore[arg-type]
    mc = s["mean_corr"]
    print(
        f"mean corr eyes {mc['eyes']:.4f} mouth {mc['mouth']:.4f} pose {mc['pose']:.4f}; "
        f"passed v3 {s['passed_v3']}/{s['cases']}, v7 {s['passed_v7']}/{s['cases']}"
    )
    keep = s.get("keeping", {})
    if "identity" in keep:
        ident, ind = keep["identity"], keep["independent"]["mean_corr"]
        print(
            f"same person {100 * ident['same_person_share']:.1f}% (mean distance "
            f"{ident['mean_distance']:.3f}); background change {keep['background_change']:.1f}; "
            f"independent corr eyes {ind['eyes']:.4f} mouth {ind['mouth']:.4f} "
            f"pose {ind['pose']:.4f}"
        )
    if "population" in s:
        from ohlora.evaluate.population import population_line

        print(population_line(s["population"]))
    print(report)
    return 0
