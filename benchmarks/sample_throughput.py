"""Sampling throughput on this machine: generation alone vs generation + analysis + scoring.

Run: .venv/bin/python benchmarks/sample_throughput.py [--n 1000] [--workers 2]
Prints the command, the machine, images/s of each pipeline and the ratio to generation alone,
all measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np
import torch


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{cpu}; {os.cpu_count()} cores; torch {torch.__version__} "
        f"({torch.get_num_threads()} threads); python {platform.python_version()}"
    )


def timed(fn, *args) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=1000, help="faces per measurement")
    ap.add_argument("--workers", type=int, default=2, help="analysis worker processes")
    ap.add_argument(
        "--cnn-run",
        default=None,
        help="a run directory with a trained property CNN (adds the CNN pipeline)",
    )
    args = ap.parse_args()
    print(f"command: {' '.join([sys.executable, *sys.argv])}")
    print(f"machine: {machine()}")

    from ohlora.properties.scorer import MeshScorer

    from ohlora.generators.dcgan import DCGANGenerator

    g = DCGANGenerator.pretrained()
    g.synthesize(g.sample_latents(64, 0))  # warm-up
    z = g.sample_latents(args.n, 10_000)

    t_gen, images = timed(g.synthesize, z)
    rows = [("generation alone", t_gen)]

    with MeshScorer(workers=args.workers) as scorer:
        scorer.score(images[:32])  # start workers, load models
        t_score, res = timed(lambda: scorer.score(g.synthesize(z)))
    rows.append((f"generation + mesh analysis + scoring ({args.workers} workers)", t_score))
    found = float(np.mean(res.found))

    if args.cnn_run:
        from ohlora.classifiers.property_cnn import CNNScorer

        cnn = CNNScorer.from_run(args.cnn_run)
        cnn.score(images[:32])
        t_cnn, _ = timed(lambda: cnn.score(g.synthesize(z)))
        rows.append(("generation + property-CNN scoring", t_cnn))

    base = args.n / t_gen
    print(f"faces: {args.n}; faces found by the mesh: {found:.1%}")
    print(f"{'pipeline':<58} {'images/s':>10} {'vs generation':>14}")
    for name, t in rows:
        ips = args.n / t
        print(f"{name:<58} {ips:>10.1f} {ips / base:>13.1%}")


if __name__ == "__main__":
    main()
