"""The picture of far turns drawn as a mirror image (docs/images/mirror_turns.png).

Per face one row: the unedited face; the default editor without the mirror (`--mirror-turn
0`) asked eyes +1, mouth +1 and each of the turns; the same asks with far turns to the other
side drawn as the mirror image of the shorter turn (`--mirror-turn SD`). Faces that look far
to one side show the difference; ask them to turn to the other.

Run: .venv/bin/python scripts/make_mirror_figure.py --run runs/n6k
         --seeds 1846575175,1672739358,1950100272,1124283268 --out docs/images/mirror_turns.png
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example: make_mirror_figure.py --run runs/n6k --seeds 1846575175 --out m.png",
    )
    ap.add_argument("--run", type=Path, required=True, help="a run with directions")
    ap.add_argument("--seeds", required=True, help="comma-separated face seeds, one row each")
    ap.add_argument("--turns", default="-1.8,-1.2,-0.6", help="asked poses (sd), comma-separated")
    ap.add_argument("--mirror-turn", type=float, default=1.0, help="SD of the right block (1)")
    ap.add_argument("--out", type=Path, required=True, help="the PNG to write")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    turns = np.array([float(t) for t in args.turns.split(",")])

    from PIL import Image

    from ohlora.editing.params import EditParams
    from ohlora.editing.run_editor import open_editor

    editor = open_editor(args.run, EditParams(workers=0, mirror_turn=0.0))
    white = np.full((64, 6, 3), 255, np.uint8)
    rows = []
    try:
        for seed in seeds:
            lat = np.repeat(editor.base_latents(np.array([seed])), len(turns), 0)
            asked = {"eyes": np.ones(len(turns)), "mouth": np.ones(len(turns)), "pose": turns}
            base = editor.g.synthesize(lat[:1], editor.d.space)[0]
            editor.mirror_turn = 0.0
            plain = editor.edit(lat, asked).images
            editor.mirror_turn = args.mirror_turn
            mirrored = editor.edit(lat, asked)
            print(f"seed {seed}: mirrored {mirrored.mirrored.tolist()}")
            row = np.concatenate([base, white, *plain, white, *mirrored.images], 1)
            rows += [row, np.full((4, row.shape[1], 3), 255, np.uint8)]
    finally:
        editor.close()
    sheet = np.concatenate(rows[:-1], 0)
    img = Image.fromarray(sheet)
    img.resize((sheet.shape[1] * 2, sheet.shape[0] * 2), Image.NEAREST).save(args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
