"""Draw docs/images/architecture.png: the modules and how data flows between them."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

BOXES = {
    "weights.py\nregistry + sha256": (0.02, 0.78),
    "generators/\nDCGAN 64 · StyleGAN 256\nz · w · w+": (0.22, 0.78),
    "faces/\nmediapipe mesh + selfie\n→ class map": (0.44, 0.78),
    "properties/\nalgorithms 1, 2, landmark\n→ 7 scores, z-normalised": (0.66, 0.78),
    "store/\nrun dir, config.json\nsharded samples (resumable)": (0.44, 0.50),
    "classifiers/\ngender · quality (5-fold)\nproperty CNN": (0.66, 0.50),
    "vectorfind/\ntop/bottom-k → LinearSVC\nresponse model · groups": (0.22, 0.22),
    "vectorfind/edit\ntargets → steps\nclosed loop": (0.44, 0.22),
    "evaluate/\ngeneration test v3 / v7\nreport · sweep": (0.66, 0.22),
    "studio/ · animate\nweb page · clips": (0.66, -0.04),
}
ARROWS = [
    (0, 1),
    (1, 2),
    (2, 3),
    (3, 4),
    (1, 4),
    (4, 5),
    (5, 4),
    (4, 6),
    (6, 7),
    (7, 8),
    (7, 9),
]


def _edge(
    c: tuple[float, float], towards: tuple[float, float], w: float, h: float
) -> tuple[float, float]:
    """Where the line from box centre c towards another point leaves the box (plus a gap)."""
    dx, dy = towards[0] - c[0], towards[1] - c[1]
    t = min(
        (w / 2 + 0.006) / abs(dx) if dx else float("inf"),
        (h / 2 + 0.012) / abs(dy) if dy else float("inf"),
    )
    return c[0] + t * dx, c[1] + t * dy


def main() -> None:
    fig, ax = plt.subplots(figsize=(10.5, 6))
    ax.set_axis_off()
    names = list(BOXES)
    w, h = 0.17, 0.15
    for name, (x, y) in BOXES.items():
        ax.add_patch(
            FancyBboxPatch(
                (x, y), w, h, boxstyle="round,pad=0.01", fc="#eef3fb", ec="#3566a8", lw=1.3
            )
        )
        ax.text(x + w / 2, y + h / 2, name, ha="center", va="center", fontsize=8.5)
    for a, b in ARROWS:
        (xa, ya), (xb, yb) = BOXES[names[a]], BOXES[names[b]]
        ca, cb = (xa + w / 2, ya + h / 2), (xb + w / 2, yb + h / 2)
        offset = 0.012 if (b, a) in ARROWS else 0.0
        ca, cb = (ca[0], ca[1] + offset), (cb[0], cb[1] + offset)
        ax.annotate(
            "",
            xy=_edge(cb, ca, w, h),
            xytext=_edge(ca, cb, w, h),
            arrowprops={"arrowstyle": "->", "color": "#555", "lw": 1.1},
        )
    ax.set_xlim(0, 0.85)
    ax.set_ylim(-0.08, 0.97)
    ax.set_title("ohlora: data flows from generator to steerable, evaluated edits", fontsize=11)
    out = Path(__file__).resolve().parents[1] / "docs" / "images" / "architecture.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110, bbox_inches="tight")
    print(out)


if __name__ == "__main__":
    main()
