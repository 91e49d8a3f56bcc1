"""StyleGAN-256 synthesis speed on CPU beside the embedded DCGAN, measured in the same run.

Run: .venv/bin/python benchmarks/stylegan_synthesis.py [--batch 4] [--iters 3] [--warmup 1]
Prints the command, the machine, images/s of each generator and the ratio. The StyleGAN has
random weights (no pretrained copy is needed: speed does not depend on the values); the
DCGAN is the registry's embedded model. Both run `synthesize` (z -> uint8), fixed noise.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from machine import describe  # benchmarks/machine.py (this script's folder is on sys.path)


def images_per_second(g, batch: int, iters: int, warmup: int) -> tuple[float, float]:
    """Best and mean images/s over `iters` timed calls of `synthesize` on `batch` latents."""
    z = g.sample_latents(batch, 1000)
    for _ in range(warmup):
        g.synthesize(z)
    times = []
    for _ in range(iters):
        t = time.perf_counter()
        images = g.synthesize(z)
        times.append(time.perf_counter() - t)
        assert images.shape == (batch, g.resolution, g.resolution, 3), images.shape
    return batch / min(times), batch * len(times) / sum(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--batch", type=int, default=4, help="images per call (default 4)")
    ap.add_argument("--iters", type=int, default=3, help="timed calls (default 3)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed calls first (default 1)")
    args = ap.parse_args()
    print(f"command: {' '.join([sys.executable, *sys.argv])}")
    print(f"machine: {describe()}")

    from ohlora.generators.dcgan import DCGANGenerator

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the random-weights helper
    from tests.generators.stylegan.random_weights import random_stylegan

    stylegan = random_stylegan(256, seed=0, batch_size=args.batch)
    dcgan = DCGANGenerator.pretrained()
    rows = []
    for label, g in (("DCGAN 64 px (embedded)", dcgan), ("StyleGAN 256 px (random)", stylegan)):
        best, mean = images_per_second(g, args.batch, args.iters, args.warmup)
        rows.append((label, best, mean))
    print(f"batch {args.batch}, {args.warmup} warm-up + {args.iters} timed calls each")
    print(f"{'generator':<28}{'images/s (best)':>17}{'images/s (mean)':>17}{'ratio':>9}")
    base = rows[0][2]
    for label, best, mean in rows:
        print(f"{label:<28}{best:>17.2f}{mean:>17.2f}{mean / base:>9.4f}")
    print(f"StyleGAN-256 is {base / rows[1][2]:.0f}x slower than the DCGAN (mean images/s)")


if __name__ == "__main__":
    main()
