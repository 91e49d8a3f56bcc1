"""The Oh-LoRA strip: one face opening its eyes, opening its mouth and turning its head."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ohlora.editing.editor import Editor
from ohlora.evaluate.figures import labelled_rows, save_png

SWEEPS = {"eyes": (-2.0, 2.0), "mouth": (-1.0, 2.5), "pose": (-2.0, 2.0)}


def make_strip(editor: Editor, seed: int, out: Path, frames: int = 7, scale: int = 2) -> Path:
    """Rows: eyes, mouth, pose, each swept over `frames` targets with the others kept."""
    rows = []
    base = editor.base_latents(np.array([seed]))
    for prop, (lo, hi) in SWEEPS.items():
        if prop not in editor.d.steered:
            continue
        values = np.linspace(lo, hi, frames)
        # a sweep: never mirrored, or the pose row would flip where it crosses the face's side
        res = editor.edit(np.repeat(base, frames, 0), {prop: values}, mirror=False)
        rows.append((f"{prop} {lo:+.0f}..{hi:+.0f}", res.images))
    return save_png(labelled_rows(rows, scale=scale), out)
