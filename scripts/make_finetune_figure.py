"""docs/images/finetune_strips.png: one z asked for the same eight (eyes, mouth, pose)
combinations of the v3 protocol's grid by VectorFind's default editor and by each fine-tuned
version, one row each; the first face of a row is its base face (the unedited face for
VectorFind, the model at all-0 properties for a fine-tuned version).

Run: .venv/bin/python scripts/make_finetune_figure.py --run runs/n6k [--seed 1804989163]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ASKED = [  # (eyes, mouth, pose), normalised units: corners and middle of the v3 grid
    (-1.8, -1.2, -2.4),
    (1.8, 1.6, -2.4),
    (-1.8, 0.0, -1.2),
    (1.8, 0.8, 0.0),
    (-1.8, 1.6, 0.0),
    (1.8, -0.6, 1.2),
    (-1.8, 0.8, 2.4),
    (1.8, -1.2, 2.4),
]
VERSIONS = ("v1", "v2", "v3", "v4", "v5")
SCALE = 2
LABEL_W = 120
HEAD_H = 48


def rows_of(run: Path, seed: int) -> list[tuple[str, np.ndarray]]:
    """(name, uint8 (1 + len(ASKED), H, W, 3)) per editor: base face, then the asked faces."""
    from ohlora.editing.params import EditParams
    from ohlora.editing.run_editor import open_editor
    from ohlora.finetune.editor import FineTuneEditor

    asked = np.array(ASKED)
    targets = {p: asked[:, j] for j, p in enumerate(("eyes", "mouth", "pose"))}
    editors = [("VectorFind default", lambda: open_editor(run, EditParams(workers=0)))]
    editors += [
        (f"FineTune-{v}", lambda v=v: FineTuneEditor.open(run / f"finetune-{v}"))
        for v in VERSIONS
        if (run / f"finetune-{v}" / "config.json").is_file()
    ]
    rows = []
    for name, opener in editors:
        editor = opener()
        try:
            z = editor.base_latents(np.array([seed]))
            res = editor.edit(np.repeat(z, len(asked), 0), targets)
            base = editor.g.synthesize(z, editor.d.space)
            rows.append((name, np.concatenate([base, res.images])))
        finally:
            editor.close()
    return rows


def sheet(rows: list[tuple[str, np.ndarray]]) -> Image.Image:
    """Labelled rows under a header naming each column's asked (eyes, mouth, pose)."""
    n, h, w, _ = rows[0][1].shape
    cw, ch = w * SCALE, h * SCALE
    canvas = Image.new("RGB", (LABEL_W + n * cw, HEAD_H + len(rows) * ch), "white")
    draw = ImageDraw.Draw(canvas)
    draw.text((LABEL_W + 4, 4), "base", fill="black")
    for j, (e, m, p) in enumerate(ASKED, start=1):
        draw.text((LABEL_W + j * cw + 4, 4), f"e {e:+.1f}\nm {m:+.1f}\np {p:+.1f}", fill="black")
    for i, (name, images) in enumerate(rows):
        y = HEAD_H + i * ch
        draw.text((4, y + ch // 2 - 6), name, fill="black")
        for j, img in enumerate(images):
            canvas.paste(
                Image.fromarray(img).resize((cw, ch), Image.BICUBIC), (LABEL_W + j * cw, y)
            )
    return canvas


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1_804_989_163)  # eval-v3-auto's first case
    ap.add_argument("--out", type=Path, default=Path("docs/images/finetune_strips.png"))
    args = ap.parse_args()
    image = sheet(rows_of(args.run, args.seed))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    image.quantize(colors=256).save(args.out, optimize=True)  # palette PNG: a third the size
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
