"""docs/images/keep_person.png: one face edited to the same asked combinations by the
original's rule, the calibrated (global) editor, the region-local editor without the carry
and with the 8 px carry (both regions showing the whole edit; then each region its own step,
the default before) and the default (the unedited face's 4 px map carried, each region its
own step), row by row, the unedited face first in every row.

Run: .venv/bin/python scripts/make_keep_figure.py --run runs/n6k [--seed 1000000011]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image

ASKED = [  # (eyes, mouth, pose), normalised units: v7 grid corners and centre
    (-1.2, -1.8, -1.8),
    (1.2, 1.8, -1.8),
    (-1.2, 0.0, -0.6),
    (1.2, 0.9, 0.0),
    (-1.2, 1.8, 0.6),
    (1.2, -0.9, 0.6),
]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1_000_000_011)
    ap.add_argument("--out", type=Path, default=Path("docs/images/keep_person.png"))
    args = ap.parse_args()

    from ohlora.editing.params import EditParams
    from ohlora.editing.run_editor import open_editor

    asked = np.array(ASKED)
    rows = []
    editors = (  # --method, --carry, --region-carry, --carry-res, --region-steps
        ("seed", 0.0, 0.5, 8, "shared"),
        ("calibrated", 0.0, 0.5, 8, "shared"),
        ("local", 0.0, 0.5, 8, "shared"),
        ("local", 0.5, 0.5, 8, "shared"),
        ("local", 0.5, 0.5, 8, "own"),
        ("local", 0.8, 0.0, 4, "own"),
    )
    for method, carry, region_carry, res, steps in editors:
        params = EditParams(
            method=method,
            workers=0,
            carry=carry,
            region_carry=region_carry,
            carry_res=res,
            region_steps=steps,
            mirror_turn=0.0,  # the editors as drawn then, before far turns were mirrored
        )
        editor = open_editor(args.run, params)
        try:
            z = editor.base_latents(np.array([args.seed]))
            lat = np.repeat(z, len(asked), 0)
            res = editor.edit(
                lat, {p: asked[:, j] for j, p in enumerate(("eyes", "mouth", "pose"))}
            )
            base = editor.g.synthesize(z, editor.d.space)
            rows.append(np.concatenate([base[0], *res.images], axis=1))
        finally:
            editor.close()
    sheet = Image.fromarray(np.concatenate(rows, axis=0))
    sheet = sheet.resize((sheet.width * 2, sheet.height * 2), Image.BICUBIC)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
