"""The label audit: the hand-labelled faces whose out-of-fold prediction disagrees most with
their label, as a contact sheet and a list, so that a person can look again and fix mistakes.

Out-of-fold matters: each face is judged by the fold models that never saw it, so a large gap
between the label and the prediction means "the other 1,600 faces suggest otherwise", which is
where labelling slips (and genuinely ambiguous faces) collect. The audit only points; the
person decides, through the labelling page (`ohlora label serve ... --pass 2`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ohlora.classifiers.train_run import OOF_FILE
from ohlora.errors import OhloraError

TASK_WORDS = {"gender": ("man", "woman"), "quality": ("bad", "good")}
CELL = 128  # pixels per face on the sheet (64 px faces upscaled, as labelled)
CAPTION = 30  # pixels of text under each face


@dataclass
class AuditRow:
    """One labelled face, its label and out-of-fold probability for one task."""

    task: str
    source: str
    index: int
    seed: int | None
    label: int
    oof: float

    @property
    def gap(self) -> float:
        """|label - probability|: 1 is a confident contradiction, 0 full agreement."""
        return abs(self.label - self.oof)


def read_oof_rows(folder: Path) -> list[dict[str, str]]:
    """The rows of FOLDER/oof.csv (written by train-classifiers), as strings."""
    path = Path(folder) / OOF_FILE
    if not path.is_file():
        raise OhloraError(
            f"{path} is missing: train the classifiers first (ohlora train-classifiers)"
        )
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def disagreements(rows: list[dict[str, str]], task: str, top: int) -> list[AuditRow]:
    """The `top` labelled faces of a task with the largest |label - out-of-fold probability|."""
    if task not in TASK_WORDS:
        raise OhloraError(f"unknown task {task!r}: use gender or quality")
    out = []
    for r in rows:
        if r[task] == "" or r[f"{task}_oof"] == "":
            continue
        out.append(
            AuditRow(
                task,
                r["source"],
                int(r["index"]),
                int(r["seed"]) if r["seed"] else None,
                int(r[task]),
                float(r[f"{task}_oof"]),
            )
        )
    out.sort(key=lambda a: (-a.gap, a.source, a.index))
    return out[:top]


def latents_of(rows: list[AuditRow], gen: Any) -> np.ndarray:
    """float32 z of each audited face: from its seed, else from its label set's latents."""
    from ohlora.classifiers.labels import read_labels

    cache: dict[str, np.ndarray] = {}
    z = []
    for a in rows:
        if a.seed is not None:
            z.append(gen.latents_for_seeds([a.seed])[0])
            continue
        if a.source not in cache:
            s = read_labels(a.source)
            if s.latents is None:
                raise OhloraError(f"{a.source} row {a.index} has neither a seed nor latents")
            cache[a.source] = dict(zip(s.index.tolist(), s.latents, strict=True))
        z.append(cache[a.source][a.index])
    out = np.stack(z).astype(np.float32) if z else np.zeros((0, gen.z_dim), np.float32)
    assert out.shape == (len(rows), gen.z_dim), out.shape
    return out


def audit_sheet(images: np.ndarray, rows: list[AuditRow], cols: int = 8):
    """A PIL contact sheet: each face at CELL px, captioned with its row, label and prediction."""
    from PIL import Image, ImageDraw

    assert images.ndim == 4 and images.dtype == np.uint8 and len(images) == len(rows), (
        images.shape,
        images.dtype,
        len(rows),
    )
    n_rows = max(1, -(-len(rows) // cols))
    sheet = Image.new("RGB", (cols * CELL, n_rows * (CELL + CAPTION)), (30, 30, 30))
    draw = ImageDraw.Draw(sheet)
    for k, (img, a) in enumerate(zip(images, rows, strict=True)):
        x, y = (k % cols) * CELL, (k // cols) * (CELL + CAPTION)
        sheet.paste(Image.fromarray(img).resize((CELL, CELL), Image.BICUBIC), (x, y))
        words = TASK_WORDS[a.task]
        where = f"seed {a.seed}" if a.seed is not None else f"row {a.index}"
        draw.text((x + 3, y + CELL + 1), f"{k + 1}. {where}", fill=(255, 230, 90))
        draw.text(
            (x + 3, y + CELL + 15),
            f"said {words[a.label]}, p={a.oof:.2f}",
            fill=(230, 230, 230),
        )
    return sheet


def audit_csv(rows: list[AuditRow]) -> bytes:
    """CSV bytes: task, rank, source, index, seed, label, out-of-fold probability, gap."""
    lines = ["task,rank,source,index,seed,label,oof,gap"]
    for k, a in enumerate(rows, start=1):
        seed = "" if a.seed is None else str(a.seed)
        lines.append(f"{a.task},{k},{a.source},{a.index},{seed},{a.label},{a.oof:.4f},{a.gap:.4f}")
    return ("\n".join(lines) + "\n").encode()
