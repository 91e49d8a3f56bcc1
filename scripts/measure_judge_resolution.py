"""How far a judge can see the edits it grades: each judge's noise, read on a picture and its
mirror image, against the change the edits make in its reading.

A judge grades obedience by the per-case Pearson corr of asked and read values. Its reading
of a picture and of the same picture mirrored should agree (a face and its mirror image have
the same eyes and mouth); half the variance of their difference is the reading's own noise
on these faces. Per case and property, the signal is the reading's slope on the asked value
times the asked values' spread. With signal / noise = s, no editor whose edits move the
reading that far can reach a corr above s / sqrt(1 + s^2), even with nothing else (mouth,
pose) disturbing the reading; 0.93 needs s >= 2.53, 0.90 s >= 2.06. So the script tells how
much further, as the judge sees it, the default editor's eyes and mouth edits would have to
move for a goal on that judge to be within reach, and compares the mesh judge (which the
editor measures with) with the independent one (dlib's landmarks, which it never uses). The
judges only measure here: nothing is tuned on them.

Run: .venv/bin/python scripts/measure_judge_resolution.py --run runs/n6k
     --report runs/n6k/eval-v7 [--cases 20] [--method calibrated]
(about 4 minutes for 20 cases on 2 cores). The report folder (`ohlora
evaluate`'s) gives the cases' seeds; each case's 50 v7 asks are edited again with the default
editor (or the one `--method` names).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from case_bootstrap import load  # scripts/case_bootstrap.py (this script's folder)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from machine import describe  # benchmarks/machine.py

PROPS = ("eyes", "mouth", "pose")
GOALS = {"eyes": 0.93, "mouth": 0.90, "pose": 0.93}  # issue 11's bars for the independent judge


def signal_noise(asked: np.ndarray, read: np.ndarray, mirror: np.ndarray) -> float:
    """One case and property: the reading's change along the asks over its own noise (NaN
    where fewer than ten pictures were read both ways)."""
    ok = np.isfinite(read) & np.isfinite(mirror)
    if ok.sum() < 10 or np.ptp(asked[ok]) == 0:
        return float("nan")
    noise = np.sqrt(np.var(read[ok] - mirror[ok]) / 2)
    slope = np.polyfit(asked[ok], read[ok], 1)[0]
    return float(abs(slope) * np.std(asked[ok]) / max(noise, 1e-9))


def corr(a: np.ndarray, b: np.ndarray) -> float:
    ok = np.isfinite(a) & np.isfinite(b)
    return float(np.corrcoef(a[ok], b[ok])[0, 1]) if ok.sum() >= 10 else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example: measure_judge_resolution.py --run runs/n6k --report "
        "runs/n6k/eval-v7 --cases 20",
    )
    ap.add_argument("--run", type=Path, required=True, help="a run with directions")
    ap.add_argument("--report", type=Path, required=True, help="an evaluate report folder")
    ap.add_argument("--cases", type=int, default=20, help="its first cases (2..200, 20)")
    ap.add_argument(
        "--method",
        choices=("auto", "local", "calibrated"),
        default="auto",
        help="the editor whose edits are read (auto: the default, region-local on the DCGAN)",
    )
    args = ap.parse_args()
    if not 2 <= args.cases <= 200:
        ap.error("use --cases 2..200")
    seeds = load(args.report)["seed"][: args.cases].astype(np.int64)

    from ohlora.editing.params import EditParams
    from ohlora.editing.run_editor import open_editor
    from ohlora.errors import OhloraError
    from ohlora.evaluate.protocols import V7
    from ohlora.scorers.dlib.judge import DlibJudge

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {describe()}")
    try:
        editor = open_editor(args.run, EditParams(method=args.method))
        judge = DlibJudge.for_run(args.run, workers=2)
    except OhloraError as e:  # no directions, no normalisation, no judge's weights, ...
        raise SystemExit(f"error: {e}") from None
    grid = V7.grid().astype(np.float32)
    cols = [editor.properties.index(p) for p in PROPS]
    s = {"mesh": [], "independent": []}
    r = {"mesh": [], "independent": []}
    try:
        for seed in seeds:
            z = editor.base_latents(np.full(len(grid), seed))
            images = editor.edit(z, {p: grid[:, k] for k, p in enumerate(PROPS)}).images
            mirrors = np.ascontiguousarray(images[:, :, ::-1])
            mesh = editor.meter.measure(images)[:, cols]
            mesh_m = editor.meter.mirrored(editor.meter.measure(mirrors))[:, cols]
            ind, ind_m = judge.measure(images), judge.measure(mirrors)
            ind_m[:, 2] = -ind_m[:, 2]  # its pose is odd in a mirror (an offset leaves corr be)
            for name, (a, b) in {"mesh": (mesh, mesh_m), "independent": (ind, ind_m)}.items():
                s[name].append([signal_noise(grid[:, k], a[:, k], b[:, k]) for k in range(3)])
                r[name].append([corr(grid[:, k], a[:, k]) for k in range(3)])
    finally:
        editor.close()
        judge.close()
    print(f"{len(seeds)} cases of {args.report} (seeds {seeds[0]}..), editor {editor.method}")
    print(
        "judge        property  corr asked/read  signal/noise  corr bound  mean bound  goal  "
        "needs x"
    )
    for name in s:
        sn, rr = np.array(s[name]), np.array(r[name])
        for k, p in enumerate(PROPS):
            med = float(np.nanmedian(sn[:, k]))
            mean_bound = float(np.nanmean(sn[:, k] / np.sqrt(1 + sn[:, k] ** 2)))
            goal = GOALS[p]
            need = goal / np.sqrt(1 - goal**2)
            print(
                f"{name:12s} {p:8s}  {np.nanmean(rr[:, k]):15.3f}  {med:12.2f}  "
                f"{med / np.sqrt(1 + med**2):10.3f}  {mean_bound:10.3f}  {goal:4.2f}  "
                f"{need / med:7.2f}"
            )
    print(
        "signal/noise: median over cases; corr bound: the most a corr can be with that "
        "signal/noise and nothing else disturbing the reading; mean bound: that bound per case, "
        "averaged over the cases as the goals' mean corr is; needs x: how many times "
        "further the edits would have to move that judge's reading to make the goal reachable"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
