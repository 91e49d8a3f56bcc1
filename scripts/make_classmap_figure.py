"""Draw docs/images/classmaps.png: generated faces beside their colourised class maps.

Run: .venv/bin/python scripts/make_classmap_figure.py [--seeds 4,20,35,11,3]
Each row: the analysed face (upscaled from 64 x 64), its class map, the map over the face;
a legend names the classes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

from ohlora.faces.analysis import FaceAnalyzer
from ohlora.faces.classmap import CLASSES, PALETTE, class_map, colorize
from ohlora.generators.dcgan import DCGANGenerator

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", default="4,20,35,11,3", help="comma-separated generator seeds")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "classmaps.png")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]

    g = DCGANGenerator.pretrained()
    images = g.synthesize(g.latents_for_seeds(seeds))
    with FaceAnalyzer() as fa:
        analyses = fa.analyse(images)

    fig, axes = plt.subplots(len(seeds), 3, figsize=(9, 3 * len(seeds) + 0.6))
    axes = np.atleast_2d(axes)
    for row, (seed, a) in enumerate(zip(seeds, analyses, strict=True)):
        cm = colorize(class_map(a))
        blend = (0.55 * a.image + 0.45 * cm).astype(np.uint8)
        titles = (f"seed {seed} (64 px, shown at {a.size})", "class map", "overlay")
        for ax, pic, title in zip(axes[row], (a.image, cm, blend), titles, strict=True):
            ax.imshow(pic, interpolation="nearest")
            ax.set_title(title if a.found else f"{title}: no face", fontsize=9)
            ax.axis("off")
    handles = [
        Patch(color=PALETTE[i] / 255.0, label=name.replace("_", " "))
        for i, name in enumerate(CLASSES)
    ]
    fig.legend(handles=handles, loc="lower center", ncol=5, fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
