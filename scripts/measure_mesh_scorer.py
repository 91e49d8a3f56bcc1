"""Measure the mesh scorer on generated faces: faces found, throughput, agreement of algorithms.

Run: .venv/bin/python scripts/measure_mesh_scorer.py [--n 500] [--seed 0]
Scores the embedded DCGAN's faces of seeds seed .. seed+n-1 in-process (workers=0) and with
two worker processes (workers=2), checks both give the same numbers, and prints the share of
faces found, images/s of each (ratio against workers=0, same run, models already loaded),
the CPU time per image (load-independent), the machine's load, the Pearson correlations
of eyes, mouth and pose across algorithms, and the mesh's mirror retest: r between each
face's score and its left-right mirror image's (pose negated). A face and its mirror show the
same eyes and mouth, so this r is the scorer's own repeatability: no model that learns the
mesh's scores can agree with them much better than the mesh agrees with itself.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np

from ohlora.generators.dcgan import DCGANGenerator
from ohlora.properties.columns import COLUMNS, PROPERTIES
from ohlora.scorers.mesh.scorer import MeshScorer


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _cpu_seconds(scorer: MeshScorer) -> float:
    """CPU time used so far by this process and the scorer's worker processes."""
    total = time.process_time()
    pool = scorer._pool
    for w in pool.workers if pool is not None else []:
        with open(f"/proc/{w.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _timed(scorer: MeshScorer, images: np.ndarray):
    """(wall seconds, CPU seconds, result) of scoring `images`, models already loaded."""
    scorer.score(images[:8])  # load the models / start the workers first
    c, t = _cpu_seconds(scorer), time.perf_counter()
    res = scorer.score(images)
    return time.perf_counter() - t, _cpu_seconds(scorer) - c, res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    print(f"command: {' '.join([sys.executable, *sys.argv])}")
    print(f"machine: {_cpu()}; {os.cpu_count()} cores; load {os.getloadavg()[0]:.2f}")

    g = DCGANGenerator.pretrained()
    images = g.synthesize(g.sample_latents(args.n, args.seed))
    with MeshScorer(workers=0) as s0:
        t0, c0, r0 = _timed(s0, images)
    with MeshScorer(workers=2) as s2:
        t2, c2, r2 = _timed(s2, images)
    same = np.array_equal(r0.raw, r2.raw, equal_nan=True) and (r0.found == r2.found).all()
    print(f"faces found: {int(r0.found.sum())} / {args.n} ({r0.found.mean():.1%})")
    print(f"workers=0: {args.n / t0:.1f} images/s; {1000 * c0 / args.n:.1f} ms CPU per image")
    print(
        f"workers=2: {args.n / t2:.1f} images/s ({t0 / t2:.2f}x workers=0); "
        f"{1000 * c2 / args.n:.1f} ms CPU per image; same numbers: {same}"
    )
    print(f"load after: {os.getloadavg()[0]:.2f}")

    raw = r0.raw[r0.found]

    def corr(a: str, b: str) -> str:
        x, y = raw[:, COLUMNS.index(a)], raw[:, COLUMNS.index(b)]
        ok = np.isfinite(x) & np.isfinite(y)
        return f"{np.corrcoef(x[ok], y[ok])[0, 1]:+.3f} (n={int(ok.sum())})"

    for prop in ("pose", "eyes", "mouth"):
        for a, b in (("alg1", "alg2"), ("alg1", "landmark"), ("alg2", "landmark")):
            print(f"corr {prop:<5} {a:>4} vs {b:<8}: {corr(f'{a}.{prop}', f'{b}.{prop}')}")
    for prop in ("hair_color", "hair_length"):
        print(f"corr {prop} alg1 vs alg2: {corr(f'alg1.{prop}', f'alg2.{prop}')}")
    with MeshScorer(workers=2) as s2:
        mirrored = s2.score(np.ascontiguousarray(images[:, :, ::-1]))
    both = r0.found & mirrored.found
    for prop in PROPERTIES:
        col = COLUMNS.index(f"landmark.{prop}" if f"landmark.{prop}" in COLUMNS else f"alg2.{prop}")
        x, y = r0.raw[both, col], mirrored.raw[both, col]
        y = -y if prop == "pose" else y
        ok = np.isfinite(x) & np.isfinite(y)
        print(
            f"mirror retest {prop:<16} r {np.corrcoef(x[ok], y[ok])[0, 1]:.3f} (n={int(ok.sum())})"
        )
    nan = np.isnan(raw).mean(axis=0)
    print(
        "NaN share among found faces:",
        {c: round(float(v), 3) for c, v in zip(COLUMNS, nan, strict=True) if v},
    )


if __name__ == "__main__":
    main()
