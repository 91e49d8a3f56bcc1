"""How much of each steering direction points along the generator's gender direction.

The gender direction is a linear SVM on the latents of the shipped hand-labelled faces
(src/ohlora/data/gender_quality/labels_seeds.csv: seeds and a person's gender label), its
5-fold accuracy printed beside it; then the cosine of each of the run's directions with it.
InterFaceGAN's conditional editing projects a direction off such an attribute direction: it
can only help where the cosine is large.

Run: .venv/bin/python scripts/measure_gender_overlap.py --run runs/n6k
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

LABELS = Path(__file__).resolve().parents[1] / "src/ohlora/data/gender_quality/labels_seeds.csv"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", type=Path, required=True)
    args = ap.parse_args()

    from sklearn.model_selection import cross_val_score
    from sklearn.svm import LinearSVC

    from ohlora import generators
    from ohlora.vectorfind.directions import load_directions

    d = load_directions(args.run, None)
    g = generators.load(d.generator)
    with open(LABELS, newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["gender"] in ("0", "1")]
    z = g.latents_for_seeds([int(r["seed"]) for r in rows])
    y = np.array([int(r["gender"]) for r in rows])
    svm = LinearSVC(C=0.01, max_iter=20000)
    acc = cross_val_score(svm, z, y, cv=5).mean()
    u = svm.fit(z, y).coef_[0]
    u /= np.linalg.norm(u)
    print(f"gender direction from {len(rows)} hand labels: 5-fold accuracy {acc:.3f}")
    s = d.sets["all"]
    for name, v in zip(s.names, s.vectors, strict=True):
        print(f"{name}: cosine with the gender direction {float(v @ u):+.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
