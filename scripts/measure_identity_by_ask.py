"""Where an edit loses the person: identity by what is asked (a turn alone, a turn with the
eyes, a turn with the mouth, all three, the eyes and mouth without a turn).

The generation test asks eyes, mouth and pose together, so `ohlora evaluate` can split its
identity figures only by how far each ask turns the face. Here the same editor is asked each
combination of a few turns, eye and mouth asks on held-out faces, and dlib's descriptor (which
no editor uses) says how many edited faces stay the person of the unedited face.

Run: .venv/bin/python scripts/measure_identity_by_ask.py --run runs/n6k [--faces 20]
     [--first-seed 1000000301] [--carry 0.8] [--region-carry 0] [--carry-res 4]
     [--soft-turn 0]
(about 2 minutes for 20 faces on 2 cores). Prints the command, the machine, and per kind of
ask the share of edited faces the same person (dlib distance < 0.6) and the mean distance.
"""

from __future__ import annotations

import argparse
import sys
from itertools import product
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from machine import describe  # benchmarks/machine.py

TURNS = (-1.8, -1.2, 0.6)  # asked poses (normalised units): v7's far end, its middle, its near end
EYES = (-1.5, 1.5)  # closed, open
MOUTHS = (-1.0, 1.5)  # shut, open
NAN = float("nan")
KINDS: dict[str, list[tuple[float, float, float]]] = {  # (pose, eyes, mouth); NaN = not asked
    "turn alone": [(p, NAN, NAN) for p in TURNS],
    "turn + eyes": [(p, e, NAN) for p, e in product(TURNS, EYES)],
    "turn + mouth": [(p, NAN, m) for p, m in product(TURNS, MOUTHS)],
    "turn + eyes + mouth": [(p, e, m) for p, e, m in product(TURNS, EYES, MOUTHS)],
    "eyes + mouth, no turn": [(NAN, e, m) for e, m in product(EYES, MOUTHS)],
}


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example: measure_identity_by_ask.py --run runs/n6k --faces 20",
    )
    ap.add_argument("--run", type=Path, required=True, help="a run with directions")
    ap.add_argument("--faces", type=int, default=20, help="held-out faces (1..500, default 20)")
    ap.add_argument("--first-seed", type=int, default=1_000_000_301, help="their first seed")
    from ohlora.commands._args import (
        add_carry_arg,
        add_directions_arg,
        add_max_turn_arg,
        add_mirror_turn_arg,
        params_from,
    )

    add_directions_arg(ap)  # e.g. RUN/directions-none, the directions as found
    add_carry_arg(ap)  # the editor's own options, with their ranges and defaults
    add_max_turn_arg(ap)
    add_mirror_turn_arg(ap)
    ap.add_argument("--per-ask", action="store_true", help="also a line per asked combination")
    args = ap.parse_args()
    if not 1 <= args.faces <= 500:
        ap.error(f"--faces {args.faces}: use 1..500")

    from ohlora.editing.params import EditParams
    from ohlora.editing.run_editor import open_editor
    from ohlora.scorers.dlib.judge import DlibJudge, identity_distance, same_person

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {describe()}")
    editor = open_editor(args.run, params_from(args, EditParams))
    judge = DlibJudge.for_run(args.run, workers=2)
    try:
        z = editor.base_latents(np.arange(args.first_seed, args.first_seed + args.faces))
        own = judge.analyse(editor.g.synthesize(z, editor.d.space)).descriptors
        print(f"{args.faces} faces (seeds {args.first_seed} on); same person = distance < 0.6")
        for kind, asks in KINDS.items():
            a = np.array(asks, np.float32)
            rows = np.tile(a, (len(z), 1))
            res = editor.edit(
                np.repeat(z, len(a), 0),
                {"pose": rows[:, 0], "eyes": rows[:, 1], "mouth": rows[:, 2]},
            )
            d = identity_distance(judge.analyse(res.images).descriptors, np.repeat(own, len(a), 0))
            seen = np.isfinite(d)
            print(
                f"{kind:22s} same person {100 * same_person(d[seen]).mean():5.1f}%  "
                f"distance {d[seen].mean():.3f}  ({seen.sum()} of {len(d)} faces found)"
            )
            if args.per_ask:
                by = d.reshape(len(z), len(a))
                for j, (p, e, m) in enumerate(asks):
                    col = by[:, j][np.isfinite(by[:, j])]
                    print(
                        f"    pose {p:+.1f} eyes {e:+.1f} mouth {m:+.1f}: same person "
                        f"{100 * same_person(col).mean():5.1f}%  distance {col.mean():.3f}"
                    )
    finally:
        judge.close()
        editor.close()
    return 0


if __name__ == "__main__":
    from ohlora.errors import OhloraError

    try:
        raise SystemExit(main())
    except OhloraError as err:  # a run without directions, a damaged file: one line
        raise SystemExit(f"measure_identity_by_ask.py: {err}") from None
