"""`ohlora animate`: a talking, blinking, turning or idle clip of one face, as GIF or MP4."""

from __future__ import annotations

import argparse
from pathlib import Path

from ohlora.commands._args import (
    add_carry_arg,
    add_edit_run_args,
    add_face_seed_arg,
    add_max_turn_arg,
    add_method_arg,
    float_range,
    int_range,
    params_from,
)

OUT = (".gif", ".mp4")  # what --out must be, checked by cli.check_paths
NAME = "animate"
ORDER = 65
HELP = "write a talk / blink / turn / idle clip of one face (GIF, or MP4 where ffmpeg exists)"
DESCRIPTION = """Animate one face the way the original Oh-LoRA product did, rendered frame by
frame with the open-loop editor (the base face is measured once).

Clips: talk  - the mouth opens and closes in syllables, words and pauses (4-6 syllables/s);
       blink - one blink every 2 s (at least one), the original's profile
               [0.4, 0.6, 0.8, 0.8, 0.6, 0.4] x U(1.1, 1.5);
       turn  - the head sweeps to one side, across and back;
       idle  - the original's rest weights with its small random walk and random blinks
               (2.5% a frame, at least 1 s apart), eased back to the first frame at the end.
The original's weights map to normalised targets as rest - SCALE * weight with SCALE eyes
1.67, mouth 1.11, pose 1.11 (its extreme test weights land at +-2 units); the rest face is
the face's own measured eyes / mouth / pose unless --eyes / --mouth / --pose set it.
Frames: seconds x fps (rounded). The same --seed (and --motion-seed) gives the same clip.
GIF: one palette, looping; a frame identical to the one before is stored once with the
delays added. MP4 needs imageio-ffmpeg or ffmpeg (not a dependency of ohlora)."""
EPILOG = """examples:
  ohlora animate --run runs/a --seed 7 --clip talk --seconds 3 --fps 15 --out talk.gif
  ohlora animate --run runs/a --seed 7 --clip idle --seconds 6 --out idle.gif --size 128
  ohlora animate --run runs/a --seed 7 --clip blink --mouth 0 --out blink.mp4
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ohlora.studio.clips import CLIPS

    add_edit_run_args(p)
    add_face_seed_arg(p, "the face's seed", required=True)
    p.add_argument("--clip", choices=CLIPS, default="talk", help="which motion")
    p.add_argument(
        "--seconds", type=float_range(0.1, 60), default=3.0, help="clip length (0.1..60 s)"
    )
    p.add_argument("--fps", type=float_range(1, 30), default=15.0, help="frames a second (1..30)")
    p.add_argument("--out", type=Path, required=True, help="output file: .gif or .mp4")
    add_method_arg(p)
    add_max_turn_arg(p)
    add_carry_arg(p)
    p.add_argument(
        "--check",
        action="store_true",
        help="measure every frame against frame 0 with the independent judge (dlib's face "
        "descriptor): the share judged the same person, and the background change",
    )
    p.add_argument(
        "--size",
        type=int_range(0, 1024),
        default=128,
        help="frame size in px (bicubic; 0 = the generator's resolution; 0..1024)",
    )
    for prop in ("eyes", "mouth", "pose"):
        p.add_argument(
            f"--{prop}",
            type=float_range(-3, 3),
            default=None,
            help=f"rest {prop} in normalised units (-3..3; default: the face's own)",
        )
    add_face_seed_arg(
        p,
        "seed of the clip's randomness (default: --seed, so a face seed's range)",
        flag="--motion-seed",
        default=None,
    )
    p.add_argument(
        "--batch", type=int_range(1, 4096), default=32, help="frames rendered together (1..4096)"
    )


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from ohlora.editing.params import EditParams
    from ohlora.editing.run_editor import open_editor
    from ohlora.errors import OhloraError
    from ohlora.progress import progress_bar
    from ohlora.studio.animation import animate, write_clip
    from ohlora.studio.clips import frame_count

    suffix = args.out.suffix.lower()
    if suffix not in (".gif", ".mp4"):
        raise OhloraError(f"--out {args.out}: use a .gif or .mp4 file name")
    if suffix == ".mp4":
        from ohlora.studio.animation import mp4_writer

        if mp4_writer() is None:
            raise OhloraError(
                "no MP4 writer installed: `pip install imageio-ffmpeg` (or install ffmpeg), "
                "or write a .gif instead"
            )
    editor = open_editor(args.run, params_from(args, EditParams, refine=0, workers=0))
    try:
        latent = editor.base_latents(np.array([args.seed]))
        base = editor.measure_base(latent)
        rest = {
            p: getattr(args, p) for p in ("eyes", "mouth", "pose") if getattr(args, p) is not None
        }
        n = frame_count(args.seconds, args.fps)
        with progress_bar() as bar:
            task = bar.add_task(f"animate {args.clip}", total=n)
            clip = animate(
                editor,
                latent,
                base,
                args.clip,
                args.seconds,
                args.fps,
                seed=args.seed if args.motion_seed is None else args.motion_seed,
                rest=rest,
                batch=args.batch,
                on_progress=lambda k: bar.advance(task, k),
            )
    finally:
        editor.close()
    write_clip(clip.frames, args.out, args.fps, args.size)
    rest_text = ", ".join(f"{p} {v:+.2f}" for p, v in clip.rest.items())
    print(f"{args.out}: {len(clip.frames)} frames at {args.fps:g} fps (rest {rest_text})")
    if args.check:
        from ohlora.evaluate.keeping import KeepingChecks, clip_consistency
        from ohlora.scorers.dlib.judge import DlibJudge

        checks = KeepingChecks(DlibJudge(workers=0))
        try:
            c = clip_consistency(clip.frames, checks)
        finally:
            checks.close()
        print(
            f"same person as frame 0: {100 * c.same_share:.1f}% of frames (mean distance "
            f"{c.mean_distance:.3f}, max {c.max_distance:.3f}); background change "
            f"{c.background_change:.1f} of 255"
        )
    return 0
