"""Sampling throughput on this machine: generation alone vs generation + mesh analysis and
scoring vs generation + property-CNN scoring, all measured in the same run.

Run: .venv/bin/python benchmarks/sample_throughput.py [--n 1000] [--workers 2]
         [--cnn FOLDER_OR_RUN] [--cnn-n 10000]
Prints the command, the machine, images/s of each pipeline and the ratio to generation alone.
The CNN pipeline is timed through the sampler itself (`ohlora sample --scorer cnn`: seeds to
latents, generation, scoring, shard writing, finalisation) over --cnn-n faces; generation
alone of the same faces is timed before and after it and averaged, so that a machine whose
load drifts during the run affects both alike. Its 100,000-face time is extrapolated linearly
from that measured run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from machine import describe  # benchmarks/machine.py (this script's folder is on sys.path)


def timed(fn, *args) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def generate_in_shards(g, n: int, shard: int) -> float:
    """Seconds to turn seeds 0..n-1 into images, shard by shard (generation alone)."""
    t = time.perf_counter()
    for lo in range(0, n, shard):
        g.synthesize(g.latents_for_seeds(range(lo, min(n, lo + shard))))
    return time.perf_counter() - t


def cnn_pipeline(g, folder: str, n: int, shard: int) -> tuple[float, float, float]:
    """(generation-alone seconds, sampler-with-CNN seconds, CNN-scoring-only seconds) for the
    same n faces. Generation alone is timed before and after the sampler run and averaged."""
    from ohlora.sampling.local import sample
    from ohlora.sampling.params import SampleParams
    from ohlora.scorers.cnn.folder import cnn_for_sampling
    from ohlora.scorers.cnn.scorer import CNNScorer

    cnn, sha, stats = cnn_for_sampling(Path("."), Path(folder), g.name)
    scorer = CNNScorer.from_dir(cnn)
    images = g.synthesize(g.latents_for_seeds(range(min(n, 2000))))
    scorer.score(images[:64])  # warm-up
    t_score, _ = timed(scorer.score, images)
    t_score *= n / len(images)
    before = generate_in_shards(g, n, shard)
    with tempfile.TemporaryDirectory() as tmp:
        params = SampleParams(g.name, n, 0, shard, "cnn", cnn, sha)
        t_sample, _ = timed(lambda: sample(Path(tmp) / "run", params, stats_from=stats))
    after = generate_in_shards(g, n, shard)
    return (before + after) / 2, t_sample, t_score


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=1000, help="faces for the mesh comparison")
    ap.add_argument("--workers", type=int, default=2, help="mesh analysis worker processes")
    ap.add_argument(
        "--cnn",
        "--cnn-run",
        dest="cnn",
        default=None,
        help="a property-CNN folder, or a run holding one in property_cnn/ (adds the CNN pipeline)",
    )
    ap.add_argument("--cnn-n", type=int, default=10_000, help="faces for the CNN pipeline")
    ap.add_argument("--shard", type=int, default=1000, help="shard size of the CNN sampler run")
    args = ap.parse_args()
    print(f"command: {' '.join([sys.executable, *sys.argv])}")
    print(f"machine: {describe()}")

    from ohlora.generators.dcgan import DCGANGenerator
    from ohlora.scorers.mesh.scorer import MeshScorer

    g = DCGANGenerator.pretrained()
    g.synthesize(g.sample_latents(64, 0))  # warm-up
    z = g.sample_latents(args.n, 10_000)

    t_gen, images = timed(g.synthesize, z)
    rows = [("generation alone", args.n, t_gen, t_gen)]

    with MeshScorer(workers=args.workers) as scorer:
        scorer.score(images[:32])  # start workers, load models
        t_score, res = timed(lambda: scorer.score(g.synthesize(z)))
    rows.append(
        (f"generation + mesh analysis + scoring ({args.workers} workers)", args.n, t_score, t_gen)
    )
    found = float(np.mean(res.found))

    if args.cnn:
        c_gen, c_sample, c_score = cnn_pipeline(g, args.cnn, args.cnn_n, args.shard)
        rows.append(("generation alone (CNN comparison)", args.cnn_n, c_gen, c_gen))
        rows.append(("property-CNN scoring alone (timed on 2000)", args.cnn_n, c_score, c_gen))
        rows.append(
            ("`ohlora sample --scorer cnn` (generation + CNN)", args.cnn_n, c_sample, c_gen)
        )

    print(f"faces found by the mesh: {found:.1%} of {args.n}")
    print(f"{'pipeline':<62} {'faces':>7} {'seconds':>8} {'images/s':>9} {'vs generation':>14}")
    for name, n, t, base in rows:
        print(f"{name:<62} {n:>7} {t:>8.1f} {n / t:>9.1f} {base / t:>13.1%}")
    if args.cnn:
        per = c_sample / args.cnn_n
        print(
            f"100,000 faces with `ohlora sample --scorer cnn`: {per * 100_000 / 60:.1f} min "
            f"(extrapolated from the measured {args.cnn_n} faces); generation alone: "
            f"{c_gen / args.cnn_n * 100_000 / 60:.1f} min"
        )


if __name__ == "__main__":
    main()
