"""The studio under load: concurrent slider renders through Gradio's HTTP API (gradio_client),
beside the same render requested alone and the raw render without HTTP, all in one run.

Run: .venv/bin/python benchmarks/studio_load.py --run RUN [--requests 50] [--seed 7]
RUN needs samples, normalisation and directions (e.g. from `ohlora demo`, or `ohlora sample`
+ `ohlora find-directions`). The studio is served from this process on a free 127.0.0.1 port:
all traffic stays on this machine. Every request asks for other slider values, so no request
is answered from the studio's render cache. Bounded: at most --requests concurrent requests,
each given --timeout seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from machine import describe  # benchmarks/machine.py (this script's folder is on sys.path)

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("GLOG_minloglevel", "2")


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of values."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s) + 0.5) - 1))]


def targets(i: int, n: int) -> tuple[float, float, float]:
    """Distinct slider values for request i of n, within -2.5..2.5 (step 0.01)."""
    f = i / max(1, n - 1)
    return (round(-2.5 + 5 * f, 2), round(2.5 - 5 * f, 2), round(-2.5 + 5 * ((3 * f) % 1), 2))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--requests", type=int, default=50, help="concurrent requests (1..200)")
    ap.add_argument("--alone", type=int, default=10, help="requests sent one at a time")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    args = ap.parse_args()
    if not 1 <= args.requests <= 200:
        ap.error("--requests must be 1..200")

    import gradio
    import torch
    from gradio_client import Client

    from ohlora.studio.app import launch
    from ohlora.studio.renderer import FaceRenderer

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {describe()}")
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__} ({threads} threads), gradio {gradio.__version__}")

    with tempfile.TemporaryDirectory() as out:
        renderer = FaceRenderer(args.run, out=Path(out))
        app, url = launch(renderer, "127.0.0.1", 0, block=False)
        try:
            assert url.startswith("http://127.0.0.1:"), url
            face = renderer.face(args.seed)  # measured once, as the page does on a pick
            own = tuple(round(face.own[p], 2) for p in ("eyes", "mouth", "pose"))
            client = Client(url, verbose=False)
            client.predict(str(args.seed), *own, api_name="/render")  # warm the HTTP path

            # Baseline 1: the raw render (one open-loop edit), no HTTP.
            raw = []
            for i in range(args.alone):
                e, m, p = targets(i, args.alone)
                t0 = time.perf_counter()
                renderer.render(args.seed, e + 0.005, m, p)
                raw.append(time.perf_counter() - t0)

            # Baseline 2: one request at a time through the HTTP API.
            alone = []
            for i in range(args.alone):
                e, m, p = targets(i, args.alone)
                t0 = time.perf_counter()
                client.predict(str(args.seed), e, m + 0.005, p, api_name="/render")
                alone.append(time.perf_counter() - t0)

            # Load: all requests at once.
            def one(i: int) -> tuple[float, str | None]:
                e, m, p = targets(i, args.requests)
                t0 = time.perf_counter()
                try:
                    job = client.submit(str(args.seed), e, m, p + 0.005, api_name="/render")
                    result = job.result(timeout=args.timeout)
                    err = None if result and Path(result).is_file() else f"no image: {result!r}"
                except Exception as ex:  # every failure is counted and shown, none is hidden
                    err = f"{type(ex).__name__}: {ex}"
                return time.perf_counter() - t0, err

            t0 = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.requests) as pool:
                results = list(pool.map(one, range(args.requests)))
            wall = time.perf_counter() - t0
        finally:
            app.close()
            renderer.close()

    lat = [t for t, _ in results]
    errors = [e for _, e in results if e]
    ms = 1000.0
    raw_med, alone_med = statistics.median(raw), statistics.median(alone)
    p50, p95 = pct(lat, 50), pct(lat, 95)
    print(f"raw render (open-loop edit, no HTTP), median of {len(raw)}: {raw_med * ms:.1f} ms")
    print(f"one request alone over HTTP, median of {len(alone)}: {alone_med * ms:.1f} ms")
    print(
        f"{args.requests} concurrent requests: {len(errors)} errors; "
        f"p50 {p50 * ms:.0f} ms, p95 {p95 * ms:.0f} ms, max {max(lat) * ms:.0f} ms; "
        f"all done in {wall:.2f} s ({args.requests / wall:.1f} requests/s)"
    )
    print(
        f"ratios: p50 / alone {p50 / alone_med:.1f}x, p95 / alone {p95 / alone_med:.1f}x, "
        f"alone / raw {alone_med / raw_med:.1f}x; throughput under load "
        f"{args.requests / wall * raw_med:.2f}x the raw render rate (1 / raw)"
    )
    for e in errors[:5]:
        print(f"error: {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
