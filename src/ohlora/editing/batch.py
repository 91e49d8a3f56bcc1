"""Run an edit plan in batches, writing one PNG per row and a resumable manifest."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
from PIL import Image

from ohlora.editing.editor import Editor
from ohlora.editing.plan import Plan
from ohlora.errors import OhloraError
from ohlora.progress import progress_bar
from ohlora.runinfo import atomic_write_bytes

MANIFEST = "edits.csv"


IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}


def save_image(image: np.ndarray, path: Path, size: int = 0) -> None:
    """Write one uint8 H x W x 3 image in the format its extension names (PNG or JPEG,
    resized bicubically when size > 0); another extension is refused, never mislabelled."""
    assert image.ndim == 3 and image.shape[2] == 3 and image.dtype == np.uint8
    fmt = IMAGE_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise OhloraError(
            f"{path}: unsupported image type {Path(path).suffix or '(none)'!r}; "
            f"use {', '.join(IMAGE_FORMATS)}"
        )
    im = Image.fromarray(image)
    if size and size != image.shape[0]:
        im = im.resize((size, size), Image.BICUBIC)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    im.save(buf, format=fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    atomic_write_bytes(path, buf.getvalue())


def _key(seed: int, targets: list[float], out: Path) -> str:
    vals = ",".join("" if math.isnan(t) else f"{t:.6g}" for t in targets)
    return f"{seed}|{vals}|{out}"


def edit_plan(editor: Editor, plan: Plan, outdir: Path, batch: int = 64, size: int = 0) -> Path:
    """Edit every row of `plan`; returns the manifest path (OUTDIR/edits.csv)."""
    outdir.mkdir(parents=True, exist_ok=True)
    props = list(plan.targets)
    manifest = outdir / MANIFEST
    header = [
        "row",
        "seed",
        *[f"asked_{p}" for p in props],
        *[f"measured_{p}" for p in editor.d.steered],
        "mirrored",  # 1: drawn as the mirror image of a shorter turn (`--mirror-turn`)
        "out",
    ]
    done: dict[int, list[str]] = {}
    if manifest.is_file():
        for rec in csv.DictReader(manifest.read_text().splitlines()):
            if list(rec) == header:
                done[int(rec["row"])] = [rec[h] for h in header]
    keys = [
        _key(int(plan.seeds[i]), [float(plan.targets[p][i]) for p in props], plan.outs[i])
        for i in range(len(plan))
    ]

    def done_key(row: list[str]) -> str:
        vals = [float(v) if v else math.nan for v in row[2 : 2 + len(props)]]
        return _key(int(row[1]), vals, Path(row[-1]))

    todo = [
        i
        for i in range(len(plan))
        if not (i in done and done_key(done[i]) == keys[i] and plan.outs[i].is_file())
    ]
    with progress_bar() as bar:
        task = bar.add_task("edit", total=len(plan), completed=len(plan) - len(todo))
        for start in range(0, len(todo), batch):
            rows = np.array(todo[start : start + batch])
            lat = editor.base_latents(plan.seeds[rows])
            res = editor.edit(lat, {p: plan.targets[p][rows] for p in props})
            for j, i in enumerate(rows):
                save_image(res.images[j], plan.outs[i], size)
                measured = (
                    [f"{res.measured[j, editor.properties.index(p)]:.4f}" for p in editor.d.steered]
                    if res.measured is not None
                    else [""] * len(editor.d.steered)
                )
                done[int(i)] = [
                    str(i),
                    str(plan.seeds[i]),
                    *[
                        "" if math.isnan(plan.targets[p][i]) else f"{plan.targets[p][i]:.6g}"
                        for p in props
                    ],
                    *measured,
                    "1" if res.mirrored is not None and res.mirrored[j] else "0",
                    str(plan.outs[i]),
                ]
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(header)
            for i in sorted(done):
                w.writerow(done[i])
            atomic_write_bytes(manifest, buf.getvalue().encode())
            bar.advance(task, len(rows))
    return manifest
