"""How well the property CNN agrees with the mesh, beside how well the mesh agrees with itself.

Run: .venv/bin/python scripts/measure_cnn_agreement.py --cnn runs/cnn30k/property_cnn \
         [--n 2000] [--seed 1000000]
Faces of seeds seed .. seed+n-1 (use seeds the CNN never trained on) are scored by the mesh,
by the mesh on their mirror images (pose negated: a mirror shows the same eyes and mouth) and
by the CNN. Per property it prints Pearson r of
  mesh vs mirrored mesh   the mesh's own repeatability,
  CNN vs mesh             what `ohlora train-property-cnn` reports,
  CNN vs two-view mesh    against the mean of both mesh readings (less label noise).
A learned scorer cannot agree with one noisy mesh reading much better than the mesh agrees
with itself; the two-view column shows how much of the gap is the mesh's noise.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from ohlora.generators.dcgan import DCGANGenerator
from ohlora.properties.columns import COLUMNS, PROPERTIES
from ohlora.scorers.cnn.scorer import CNNScorer
from ohlora.scorers.mesh.scorer import MeshScorer


def _r(x: np.ndarray, y: np.ndarray) -> str:
    ok = np.isfinite(x) & np.isfinite(y)
    return f"{np.corrcoef(x[ok], y[ok])[0, 1]:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cnn", required=True, help="property-CNN folder or a run holding one")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1_000_000)
    args = ap.parse_args()
    print(f"command: {' '.join([sys.executable, *sys.argv])}")

    g = DCGANGenerator.pretrained()
    images = g.synthesize(g.sample_latents(args.n, args.seed))
    cnn = CNNScorer.from_dir(args.cnn)
    c = cnn.score(images)
    with MeshScorer(workers=2) as mesh:
        m = mesh.score(images)
        mm = mesh.score(np.ascontiguousarray(images[:, :, ::-1]))
    both = m.found & mm.found
    print(f"faces read by the mesh in both views: {int(both.sum())} of {args.n}")
    print(f"{'property':<16} {'mesh vs mirror':>15} {'CNN vs mesh':>12} {'CNN vs 2-view':>14}")
    for prop, col in zip(PROPERTIES, cnn.columns, strict=True):
        j = COLUMNS.index(col)
        a, b = m.raw[both, j], mm.raw[both, j]
        b = -b if prop == "pose" else b
        x = c.raw[both, cnn.columns.index(col)]
        print(f"{prop:<16} {_r(a, b):>15} {_r(x, a):>12} {_r(x, (a + b) / 2):>14}")


if __name__ == "__main__":
    main()
