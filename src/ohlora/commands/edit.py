"""`ohlora edit`: steer faces to asked eyes / mouth / pose, one face or a CSV plan of them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ohlora.commands._args import (
    add_carry_arg,
    add_edit_run_args,
    add_face_seed_arg,
    add_max_turn_arg,
    add_method_arg,
    add_mirror_turn_arg,
    add_refine_arg,
    add_views_arg,
    add_workers_arg,
    float_range,
    int_range,
    params_from,
)

INTERRUPTED = (
    "interrupted; the faces written and listed in OUTDIR/edits.csv are kept, run the same "
    "command again to continue"
)
if TYPE_CHECKING:  # heavy imports stay inside run()
    import numpy as np

    from ohlora.vectorfind.directions import Directions

NAME = "edit"
ORDER = 60
HELP = "edit faces to asked property values (single face, or a batch CSV plan)"
DESCRIPTION = """Move a face's latent so that each asked property reaches its target, given in
normalised units (0 = population mean, 1 = one standard deviation; typical range -3..3),
leaving unasked properties as they were. The base face is measured, the step is solved on the
directions' response model, and --refine closed-loop corrections follow.

Single form: --seed S with any of --eyes/--mouth/--pose, --out FILE.png (or .jpg).
Batch form:  --plan PLAN.csv, --out OUTDIR. PLAN.csv has the header seed,eyes,mouth,pose and
optionally out; an empty cell means "not asked"; any other column, a repeated column or a
row with more or fewer cells is an error. Row i (0-based data row) is written to
OUTDIR/{i:05d}.png unless its out cell names an image path inside OUTDIR (.png/.jpg).
A target beyond the values the training faces reached is warned about (with that range).
OUTDIR/edits.csv records each row's seed, targets, measured values and file; rows already
done with the same values are skipped when the command is run again.
With --finetune DIR the faces come from a fine-tuned conditional generator (`ohlora
finetune`) instead: the seed's z generated with the asked values (unasked ones at 0)."""
EPILOG = """examples:
  ohlora edit --run runs/a --seed 7 --eyes 1.5 --mouth 0 --pose -1 --out face.png
  ohlora edit --run runs/a --plan plan.csv --out edits/
  ohlora edit --directions runs/a/directions --run runs/a --plan plan.csv --out edits/ --refine 0
  ohlora edit --run runs/a --finetune runs/a/finetune-v3 --plan plan.csv --out edits/
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_edit_run_args(p)
    p.add_argument(
        "--finetune",
        type=Path,
        default=None,
        help="a fine-tuned model folder (`ohlora finetune`) makes the faces instead of the edit",
    )
    add_face_seed_arg(p, "single form: the base face's seed", default=None)
    for prop in ("eyes", "mouth", "pose"):
        p.add_argument(
            f"--{prop}",
            type=float_range(-10, 10),
            default=None,
            help=f"single form: target {prop} in normalised units (-10..10; omit to keep)",
        )
    p.add_argument("--plan", type=Path, default=None, help="batch form: the CSV plan")
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        help="single form: image file (.png, .jpg); batch form: output folder",
    )
    add_refine_arg(p)
    add_method_arg(p)
    add_max_turn_arg(p)
    add_mirror_turn_arg(p)
    add_carry_arg(p)
    add_views_arg(p, "test-time views averaged in the edit's measurements")
    p.add_argument(
        "--size",
        type=int_range(0, 4096),
        default=0,
        help="resize PNGs to SIZE px (bicubic; 0 = the generator's resolution)",
    )
    p.add_argument(
        "--batch", type=int_range(1, 4096), default=64, help="faces edited together (1..4096)"
    )
    add_workers_arg(p)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from ohlora.editing.batch import edit_plan, save_image
    from ohlora.editing.params import EditParams
    from ohlora.editing.plan import IMAGE_SUFFIXES, read_plan
    from ohlora.errors import OhloraError
    from ohlora.paths import output_file, output_folder

    if (args.plan is None) == (args.seed is None):
        raise OhloraError("give either --seed (single form) or --plan (batch form)")
    if args.plan is not None:
        output_folder(args.out)
    else:
        output_file(args.out, IMAGE_SUFFIXES)
    from ohlora.editing.run_editor import open_editor

    if args.finetune is not None:
        from ohlora.finetune.editor import FineTuneEditor

        editor = FineTuneEditor.open(args.finetune)
    else:
        editor = open_editor(args.run, params_from(args, EditParams))
    try:
        if args.plan is not None:
            plan = read_plan(args.plan, args.out, editor.d.steered)
            if args.finetune is None:
                _warn_reach(editor.d, plan.targets)
            manifest = edit_plan(editor, plan, args.out, batch=args.batch, size=args.size)
            print(manifest)
            return 0
        targets = {
            p: np.array([getattr(args, p)], np.float64)
            for p in ("eyes", "mouth", "pose")
            if getattr(args, p) is not None
        }
        if not targets:
            raise OhloraError("nothing asked: give at least one of --eyes, --mouth, --pose")
        if args.finetune is None:
            _warn_reach(editor.d, targets)
        lat = editor.base_latents(np.array([args.seed]))
        res = editor.edit(lat, targets)
        save_image(res.images[0], args.out, args.size)
        if res.measured is not None:
            got = ", ".join(
                f"{p} {res.measured[0, editor.properties.index(p)]:+.2f}" for p in editor.d.steered
            )
            print(f"measured: {got}")
        if res.mirrored is not None and res.mirrored[0]:
            print("mirrored: the face turned the shorter way, shown as its mirror image")
        print(args.out)
    finally:
        editor.close()
    return 0


def _warn_reach(directions: Directions, targets: dict[str, np.ndarray]) -> None:
    """Say on stderr which asked targets lie beyond what the training faces reached."""
    import sys

    for line in directions.beyond_reach(targets):
        print(f"ohlora edit: warning: {line}", file=sys.stderr)
