"""The studio under load: concurrent slider renders through Gradio's HTTP API, beside the same
render requested alone and the raw render without HTTP, all in one run.

Run: .venv/bin/python benchmarks/studio_load.py --run RUN [--requests 50] [--seed 7]
RUN needs samples, normalisation and directions (e.g. from `ohlora demo`, or `ohlora sample`
+ `ohlora find-directions`). The studio is served from this process on a free 127.0.0.1 port:
all traffic stays on this machine. The requests come from a second process (this script with
`--client URL`), as a browser's would: a client inside the server's process competes with it
for the interpreter lock and measured 266 ms a request alone where a separate process measured
about 120 ms. The client uses Gradio's REST API (POST /gradio_api/call/render, then the
result's event stream) and checks that every answer names an image file that exists. Every
request asks for other slider values, so no request is answered from the studio's render
cache. Bounded: at most --requests concurrent requests, each given --timeout seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from machine import describe  # benchmarks/machine.py (this script's folder is on sys.path)

if TYPE_CHECKING:
    import httpx

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


def request(
    client: httpx.Client, url: str, seed: int, values: tuple[float, ...], timeout: float
) -> str | None:
    """One slider render through the REST API; None, or what went wrong."""
    post = client.post(
        f"{url}gradio_api/call/render", json={"data": [str(seed), *values]}, timeout=timeout
    )
    post.raise_for_status()
    event = post.json()["event_id"]
    body = client.get(f"{url}gradio_api/call/render/{event}", timeout=timeout).text
    kind, data = "", ""
    for line in body.splitlines():
        if line.startswith("event:"):
            kind = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            data = line.split(":", 1)[1].strip()
    if kind != "complete":
        return f"{kind or 'no event'}: {data[:200]}"
    image = json.loads(data)[0]
    return None if image and Path(image["path"]).is_file() else f"no image: {data[:200]}"


def client_main(url: str, seed: int, alone: int, requests: int, timeout: float) -> int:
    """The client process: requests alone, then all at once; prints one JSON line."""
    import httpx

    limits = httpx.Limits(max_connections=2 * requests + 2)
    with httpx.Client(limits=limits) as client:
        err = request(client, url, seed, (0.0, 0.0, 0.0), timeout)  # warm the HTTP path
        if err:
            print(json.dumps({"alone": [], "load": [], "errors": [err], "wall": 0.0}))
            return 1
        times, alone_errors = [], []
        for i in range(alone):
            e, m, p = targets(i, alone)
            t0 = time.perf_counter()
            err = request(client, url, seed, (e, m + 0.005, p), timeout)
            times.append(time.perf_counter() - t0)
            if err:
                alone_errors.append(err)

        def one(i: int) -> tuple[float, str | None]:
            e, m, p = targets(i, requests)
            t0 = time.perf_counter()
            try:
                err = request(client, url, seed, (e, m, p + 0.005), timeout)
            except Exception as ex:  # every failure is counted and shown, none is hidden
                err = f"{type(ex).__name__}: {ex}"
            return time.perf_counter() - t0, err

        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=requests) as pool:
            results = list(pool.map(one, range(requests)))
        wall = time.perf_counter() - t0
    errors = alone_errors + [e for _, e in results if e]
    print(
        json.dumps(
            {"alone": times, "load": [t for t, _ in results], "errors": errors, "wall": wall}
        )
    )
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", type=Path)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--requests", type=int, default=50, help="concurrent requests (1..200)")
    ap.add_argument("--alone", type=int, default=10, help="requests sent one at a time")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    ap.add_argument("--client", metavar="URL", help=argparse.SUPPRESS)  # the client process
    args = ap.parse_args()
    if not 1 <= args.requests <= 200:
        ap.error("--requests must be 1..200")
    if args.client:
        return client_main(args.client, args.seed, args.alone, args.requests, args.timeout)
    if args.run is None:
        ap.error("--run is required")

    import gradio
    import torch

    from ohlora.studio.app import launch
    from ohlora.studio.renderer import FaceRenderer

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {describe()}")
    threads = torch.get_num_threads()
    print(f"torch {torch.__version__} ({threads} threads), gradio {gradio.__version__}")

    with tempfile.TemporaryDirectory() as out:
        renderer = FaceRenderer(args.run, out=Path(out))
        served: list[float] = []  # the render itself inside each request, server side
        lock = threading.Lock()
        render = renderer.render

        def timed(*a: object, **k: object) -> object:
            t0 = time.perf_counter()
            try:
                return render(*a, **k)
            finally:
                with lock:
                    served.append(time.perf_counter() - t0)

        renderer.render = timed  # type: ignore[method-assign]
        app, url = launch(renderer, "127.0.0.1", 0, block=False)
        try:
            assert url.startswith("http://127.0.0.1:"), url
            renderer.face(args.seed)  # measured once, as the page does on a pick

            # Baseline: the raw render (one open-loop edit), no HTTP.
            raw = []
            for i in range(args.alone):
                e, m, p = targets(i, args.alone)
                t0 = time.perf_counter()
                render(args.seed, e + 0.005, m, p)
                raw.append(time.perf_counter() - t0)

            client = [sys.executable, __file__, "--client", url, "--seed", str(args.seed)]
            client += ["--alone", str(args.alone), "--requests", str(args.requests)]
            client += ["--timeout", str(args.timeout)]
            done = subprocess.run(client, capture_output=True, text=True, timeout=3600)
            if done.returncode and not done.stdout.strip():
                print(f"error: the client process failed: {done.stderr.strip()[-500:]}")
                return 1
            result = json.loads(done.stdout.strip().splitlines()[-1])
        finally:
            app.close()
            renderer.close()

    alone, lat, errors, wall = result["alone"], result["load"], result["errors"], result["wall"]
    if not alone or not lat:
        print(f"error: {errors[:1]}")
        return 1
    ms = 1000.0
    raw_med, alone_med = statistics.median(raw), statistics.median(alone)
    served_med = statistics.median(served[1 : 1 + args.alone])  # the warm-up request first
    p50, p95 = pct(lat, 50), pct(lat, 95)
    print(f"raw render (open-loop edit, no HTTP), median of {len(raw)}: {raw_med * ms:.1f} ms")
    print(
        f"one request alone over HTTP from a second process, median of {len(alone)}: "
        f"{alone_med * ms:.1f} ms (the render inside it {served_med * ms:.1f} ms)"
    )
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
