"""Scale for the identity figures: how far apart dlib's descriptor puts two unrelated faces of
a generator, and a face and the same latent plus Gaussian noise, and a face and its mirror
image (the same person by construction).

Run: .venv/bin/python scripts/identity_references.py [--generator dcgan-digiface-64]
     [--pairs 200] [--sigma 0.5] [--seed 5000000000]
Prints the command, the machine, and per reference the mean distance and the share under
dlib's same-person threshold (0.6).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from machine import describe  # benchmarks/machine.py


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--generator", default="dcgan-digiface-64")
    ap.add_argument("--pairs", type=int, default=200)
    ap.add_argument("--sigma", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=5_000_000_000)
    args = ap.parse_args()

    from ohlora import generators
    from ohlora.scorers.dlib.judge import DlibJudge, identity_distance, same_person

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {describe()}")
    g = generators.load(args.generator)
    z = g.sample_latents(2 * args.pairs, args.seed)
    a, b = z[: args.pairs], z[args.pairs :]
    noise = np.random.default_rng(args.seed).normal(0, args.sigma, a.shape).astype(np.float32)
    faces = g.synthesize(a)
    with DlibJudge(workers=2) as judge:
        own = judge.analyse(faces).descriptors
        refs = {
            "two unrelated faces": g.synthesize(b),
            f"the same latent + N(0, {args.sigma:g}) noise": g.synthesize(a + noise),
            "the mirror image": np.ascontiguousarray(faces[:, :, ::-1]),
        }
        for name, other in refs.items():
            d = identity_distance(own, judge.analyse(other).descriptors)
            print(
                f"{name:36s}: mean distance {d.mean():.3f}, same person "
                f"{100 * same_person(d).mean():.1f}% ({args.pairs} pairs)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
