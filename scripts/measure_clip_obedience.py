"""Do a clip's moves show? Per face, the correlation between what each frame of a blink (talk,
turn) clip asks and what the mesh judge measures on it.

`ohlora animate --check` says whether a clip keeps the person; this says whether it still
blinks. Clips render open loop (no closed loop corrects a weak move), and their moves are
small (a blink closes the eyes about one standard deviation from rest), so an editor option
that keeps more of the unedited face can keep the eyes from moving. Each face renders the
clip as `ohlora animate` does (same targets, same seed), and the measured property of the
clip (eyes for blink, mouth for talk, pose for turn) is correlated with the asked one over
the frames where the judge finds a face.

Run: .venv/bin/python scripts/measure_clip_obedience.py --run runs/n6k --clip blink
     [--seeds 7,11,23,3,5] [--seconds 2] [--fps 10] [the editor's --carry, --region-carry,
     --carry-res, --region-steps; e.g. --carry 0.5 --region-carry 0.5 --carry-res 8]
(about 1 minute for 5 faces on 2 cores). Prints the command, the machine, the corr per face
and their mean.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from machine import describe  # benchmarks/machine.py

MOVED = {"blink": "eyes", "talk": "mouth", "turn": "pose"}  # the property each clip moves


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example: measure_clip_obedience.py --run runs/n6k --clip blink --carry-res 4",
    )
    ap.add_argument("--run", type=Path, required=True, help="a run with directions")
    ap.add_argument("--clip", choices=sorted(MOVED), default="blink", help="default blink")
    ap.add_argument("--seeds", default="7,11,23,3,5", help="face seeds (default 7,11,23,3,5)")
    ap.add_argument("--seconds", type=float, default=2.0, help="clip length (0.5..30, default 2)")
    ap.add_argument("--fps", type=float, default=10.0, help="frames per second (1..30, default 10)")
    from ohlora.commands._args import add_carry_arg, add_directions_arg, params_from

    add_directions_arg(ap)  # e.g. RUN/directions-none, the directions as found
    add_carry_arg(ap)  # the editor's own --carry, --region-carry, --carry-res, --region-steps
    args = ap.parse_args()
    try:
        seeds = [int(s) for s in args.seeds.split(",")]
    except ValueError:
        ap.error(f"--seeds takes integers separated by commas, not {args.seeds!r}")
    if not (0.5 <= args.seconds <= 30 and 1 <= args.fps <= 30):
        ap.error("--seconds must lie in 0.5..30 and --fps in 1..30")

    from ohlora.editing.params import EditParams
    from ohlora.editing.run_editor import open_editor
    from ohlora.studio.animation import animate

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {describe()}")
    editor = open_editor(args.run, params_from(args, EditParams, refine=0, workers=0))
    prop = MOVED[args.clip]
    try:
        assert editor.meter is not None
        col = editor.meter.properties.index(prop)
        corrs = []
        for seed in seeds:
            latent = editor.base_latents(np.array([seed]))
            base = editor.measure_base(latent)
            clip = animate(editor, latent, base, args.clip, args.seconds, args.fps, seed)
            got = editor.meter.measure(clip.frames)[:, col]
            asked = clip.targets[prop]
            ok = np.isfinite(got)
            c = float(np.corrcoef(asked[ok], got[ok])[0, 1]) if ok.sum() > 2 else float("nan")
            corrs.append(c)
            span = f"{asked.min():+.2f}..{asked.max():+.2f}"
            print(f"seed {seed}: corr {c:+.3f} (asked {prop} {span})")
        print(f"{args.clip}: mean corr {np.nanmean(corrs):+.3f} over {len(seeds)} faces")
    finally:
        editor.close()
    return 0


if __name__ == "__main__":
    from ohlora.errors import OhloraError

    try:
        raise SystemExit(main())
    except OhloraError as err:  # a run without directions, a damaged file, a bad face: one line
        raise SystemExit(f"measure_clip_obedience.py: {err}") from None
