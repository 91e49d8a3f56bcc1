"""What keeping the person costs in time: the region-local editor (the default: the unedited
face's 4 px map carried into the turned one, each region drawn with its own step; and the
same with the 8 px map carried, the default before) against the calibrated (global) one, all
measured in one run on the same faces.

* studio slider render: one face edited open loop to new slider values (the studio's work per
  slider move), p50 / p95 over --renders renders after one warm-up render (the local editor
  calibrates its regions' response on its first edit); once with all three sliders moved
  before every render, once with one slider moved at a time (eyes, mouth, pose in turn: what
  a user of the studio does), and the default editor once more with its renderer's memo of
  faces seen before switched off (every face analysed and rendered again: the baseline of
  the memo);
* batch edit: `ohlora edit --plan` of a --rows-row plan (--seeds faces x the v7 protocol's
  asked combinations), closed loop as by default, PNGs written.

Run: .venv/bin/python benchmarks/edit_methods.py --run RUN [--renders 40] [--rows 1500]
RUN needs samples, normalisation and directions (e.g. `ohlora demo`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from machine import describe  # benchmarks/machine.py (this script's folder is on sys.path)

# label -> (--method, --carry, --region-carry, --carry-res)
EDITORS = {
    "calibrated": ("calibrated", 0.0, 0.0, 4),
    "carry 8 px": ("local", 0.5, 0.5, 8),
    "default": ("local", 0.8, 0.0, 4),
}
LOCAL = ("carry 8 px", "default")


def render_times(
    run: Path, editor_label: str, renders: int, one_slider: bool = False, memo: bool = True
) -> list[float]:
    """Seconds per single-face open-loop edit (the studio renderer's path), after a warm-up:
    all sliders moved before each render, or one at a time; `memo` False makes the local
    renderer forget every face (analysed and rendered again on each move)."""
    from ohlora.editing.params import EditParams
    from ohlora.editing.run_editor import open_editor

    method, carry, region_carry, res = EDITORS[editor_label]
    params = EditParams(
        refine=0, workers=0, method=method, carry=carry, region_carry=region_carry, carry_res=res
    )
    editor = open_editor(run, params)
    if not memo and editor.local is not None:
        for kept in (editor.local.faces, editor.local.bases):
            kept.get = lambda rows, compute: compute(rows)  # forget every face
    try:
        latent = editor.base_latents(np.array([7]))
        base = editor.measure_base(latent)
        rng = np.random.default_rng(0)
        names = ("eyes", "mouth", "pose")
        t = {p: np.array([rng.uniform(-2.5, 2.5)]) for p in names}
        times = []
        for i in range(renders + 1):
            for p in names[i % 3 : i % 3 + 1] if one_slider else names:
                t[p] = np.array([rng.uniform(-2.5, 2.5)])
            t0 = time.perf_counter()
            editor.edit(latent, dict(t), base_measured=base)
            if i:  # the first edit warms up (and calibrates the local editor)
                times.append(time.perf_counter() - t0)
        return times
    finally:
        editor.close()


def plan_seconds(run: Path, editor_label: str, rows: int, out: Path) -> float:
    """Wall time of `ohlora edit --plan` (default closed loop) over a rows-row plan."""
    from ohlora.cli import main
    from ohlora.evaluate.protocols import V7

    grid = V7.grid()
    method, carry, region_carry, res = EDITORS[editor_label]
    plan = out / f"plan-{method}-{carry}-{region_carry}-{res}.csv"
    lines = ["seed,eyes,mouth,pose"]
    for i in range(rows):
        e, m, p = grid[i % len(grid)]
        lines.append(f"{2_000_000_000 + i // len(grid)},{e},{m},{p}")
    plan.write_text("\n".join(lines) + "\n")
    t0 = time.perf_counter()
    rc = main(["edit", "--run", str(run), "--plan", str(plan), "--out", str(out / plan.stem),
               "--method", method, "--carry", str(carry), "--region-carry", str(region_carry),
               "--carry-res", str(res)])  # fmt: skip
    assert rc == 0, rc
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--renders", type=int, default=40, help="timed studio renders (1..1000)")
    ap.add_argument("--rows", type=int, default=1500, help="plan rows (1..100000; 0 skips)")
    args = ap.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {describe()}")
    for one in (False, True):
        moved = "one slider moved" if one else "all sliders moved"
        render = {m: render_times(args.run, m, args.renders, one) for m in EDITORS}
        render["default, no memo"] = render_times(args.run, "default", args.renders, one, False)
        for m, ts in render.items():
            q = statistics.quantiles(ts, n=20)
            print(f"studio render, {moved}, {m:16s}: p50 {1000 * statistics.median(ts):6.1f} "
                  f"ms, p95 {1000 * q[18]:6.1f} ms ({len(ts)} renders)")  # fmt: skip
        for m in (*LOCAL, "default, no memo"):
            ratio = statistics.median(render[m]) / statistics.median(render["calibrated"])
            print(f"studio render p50, {moved}, {m} / calibrated: {ratio:.1f}x")
        ratio = statistics.median(render["default"]) / statistics.median(render["default, no memo"])
        print(f"studio render p50, {moved}, default / default without memo: {ratio:.2f}x")
    if args.rows:
        with tempfile.TemporaryDirectory() as tmp:
            secs = {m: plan_seconds(args.run, m, args.rows, Path(tmp)) for m in EDITORS}
        for m, s in secs.items():
            print(
                f"edit --plan, {args.rows} rows, {m:12s}: {s:6.1f} s ({args.rows / s:.1f} rows/s)"
            )
        for m in LOCAL:
            print(f"edit --plan time, {m} / calibrated: {secs[m] / secs['calibrated']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
