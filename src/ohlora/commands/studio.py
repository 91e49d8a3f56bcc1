"""`ohlora studio`: a local web page to steer one face live and play its clips."""

from __future__ import annotations

import argparse
from pathlib import Path

from ohlora.commands._args import add_directions_arg, int_range

OUT = "folder"  # what --out must be, checked by cli.check_paths
NAME = "studio"
ORDER = 66
HELP = "open a local web page to steer a face live (sliders for eyes, mouth, pose)"
DESCRIPTION = """Serve the studio on http://HOST:PORT/ (default 127.0.0.1, loopback only):
pick a face (a seed, Random, or one of the run's faces passing --filter), move the eyes /
mouth / pose sliders (normalised units, -3..3) and see the face change at once, refine it with
the closed loop, save it (PNG + JSON of its settings, in --out) and play talk / blink / turn /
idle clips. Slider renders are open-loop edits of the face measured once; they need the run's
directions (`ohlora find-directions`). Stop with Ctrl+C."""
EPILOG = """examples:
  ohlora studio --run runs/a
  ohlora studio --run runs/a --filter "gender>=0.5,quality>=0.5" --port 7860
  ohlora studio --run runs/a --host 0.0.0.0 --port 8080     # reachable from other machines
  ohlora studio --run runs/a --finetune runs/a/finetune-v5  # FineTune-v5 at the sliders
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--run",
        type=Path,
        required=True,
        help="run directory (samples, normalisation, and directions unless --directions)",
    )
    add_directions_arg(p)
    p.add_argument(
        "--filter",
        default=None,
        help='faces listed in the page: store rows meeting all conditions, e.g. "gender>=0.5,'
        'quality>=0.5" (needs `ohlora classify`); default all rows',
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (127.0.0.1: this machine only; 0.0.0.0: every interface)",
    )
    p.add_argument(
        "--port", type=int_range(0, 65535), default=7860, help="port (0..65535; 0 = any free one)"
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for saved faces and clips (default RUN/studio)",
    )
    p.add_argument(
        "--finetune",
        type=Path,
        default=None,
        help="steer a fine-tuned generator (`ohlora finetune`, e.g. RUN/finetune-v5) instead "
        "of the run's directions: the sliders are its asked properties (default: the run's "
        "editor)",
    )
    p.add_argument(
        "--faces",
        type=int_range(0, 200),
        default=24,
        help="how many filtered faces the page lists (0..200)",
    )


def run(args: argparse.Namespace) -> int:
    from ohlora.errors import OhloraError
    from ohlora.store.filter import parse_filter

    if not args.run.is_dir():
        raise OhloraError(f"run folder {args.run} does not exist: check --run")
    if args.filter:
        parse_filter(args.filter)  # a malformed filter is a start-up error, not a page error
    from ohlora.studio.app import launch
    from ohlora.studio.renderer import FaceRenderer

    opener = None
    if args.finetune is not None:
        from ohlora.finetune.editor import FineTuneEditor

        # opened here, once: a missing or damaged model is a start-up error; closing it is a
        # no-op, so the renderer may take the same one back after a close
        finetuned = FineTuneEditor.open(args.finetune)

        def opener() -> FineTuneEditor:
            return finetuned

    renderer = FaceRenderer(args.run, args.directions, args.filter, args.out, opener)
    launch(renderer, args.host, args.port, block=True, gallery_size=args.faces)
    return 0
