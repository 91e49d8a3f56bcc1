"""Where the generation test loses the person, by the unedited face's own pose.

The v7 grid asks absolute poses (-1.8 .. +0.6 population sd) whatever the face's own, so a
held-out face that already looks far to one side is asked to turn up to 4 sd. This script
measures each case's unedited face (the run's mesh scorer, the editor's own; no judge is
consulted beyond the report's figures) and splits the report's same-person share by how far
that face sits from frontal: which faces a character builder should start from, and how much
of the loss the few far-turned faces carry.

Run: .venv/bin/python scripts/identity_by_base_pose.py runs/n6k/eval-v7-default
The folder is one written by `ohlora evaluate` (cases.csv and report.json, whose context
names the run and the generator). About 10 s for 50 cases.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from case_bootstrap import load  # scripts/case_bootstrap.py (this script's folder)

EDGES = (1.0, 2.0)  # |own pose| bins, population sd


def own_poses(run: Path, generator: str, seeds: np.ndarray) -> np.ndarray:
    """The normalised pose of each seed's unedited face, NaN where the mesh finds no face."""
    from ohlora import generators
    from ohlora.scorers.meter import open_meter

    g = generators.load(generator)
    meter = open_meter(run)
    try:
        measured = meter.measure(g.synthesize(g.latents_for_seeds([int(s) for s in seeds])))
    finally:
        meter.close()
    return measured[:, meter.properties.index("pose")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("report", type=Path, help="an evaluate report folder (cases.csv, report.json)")
    args = ap.parse_args()
    cases = load(args.report)
    needed = ("same_person", "valid", "identity_distance")
    if any(c not in cases or np.isnan(cases[c]).all() for c in needed):
        raise SystemExit(
            f"error: {args.report}/cases.csv holds no same-person figures: evaluate with the "
            "dlib judge (`--second-judge dlib`, the default)"
        )
    try:
        context = json.loads((args.report / "report.json").read_text())["context"]
    except (OSError, ValueError, KeyError):
        raise SystemExit(f"error: {args.report}/report.json is missing or damaged") from None
    if context.get("filter (bases)", "none") != "none" or context.get("space", "z") != "z":
        raise SystemExit("error: only reports on unfiltered z-space bases are split here")
    from ohlora.errors import OhloraError

    try:
        pose = own_poses(Path(context["run"]), context["generator"], cases["seed"])
    except OhloraError as e:  # the run moved or lost its normalisation, say
        raise SystemExit(f"error: {e}") from None
    same, valid = cases["same_person"], cases["valid"]
    lost = (1 - same) * valid
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"{len(same)} cases of {args.report}; own pose by the run's mesh scorer (sd)")
    bins = [(0.0, EDGES[0]), (EDGES[0], EDGES[1]), (EDGES[1], np.inf)]
    for lo, hi in bins:
        k = (np.abs(pose) >= lo) & (np.abs(pose) < hi)
        name = f"|own pose| {lo:.0f}..{hi:.0f}" if np.isfinite(hi) else f"|own pose| >= {lo:.0f}"
        if not valid[k].sum():
            print(f"{name:18s}  {k.sum():3d} cases, none with an edited face found")
            continue
        share = np.average(same[k], weights=valid[k])
        print(
            f"{name:18s}  {k.sum():3d} cases  same person {share:6.1%}  distance "
            f"{np.nanmean(cases['identity_distance'][k]):.3f}  "
            f"{lost[k].sum() / max(lost.sum(), 1):6.1%} of the faces lost"
        )
    k = np.isnan(pose)
    if k.any():
        print(f"{k.sum()} cases whose unedited face the mesh did not find are left out")
    return 0


if __name__ == "__main__":
    sys.exit(main())
