"""How much of the person can an edit keep, as dlib judges it? The unedited face's own pixels,
warped into each edited face's geometry, against the edit itself.

For the first CASES base faces of an `ohlora evaluate` report (its cases.csv, so the same faces
and the same v7 grid), the default editor edits each face to the 50 asked combinations; then
the unedited image is warped (thin-plate spline on the mesh landmarks, `ohlora.faces.flow`)
so that its landmarks land on each edited face's. Nothing of that face is redrawn: its skin,
eyes, light and hair are the unedited face's, only moved; whatever dlib's descriptor distance
it still shows is what the geometry of the asked turn and expression costs by itself, a
reference for what an editor could reach on this judge (a warp is no true 3D turn, so it is a
guide, not a bound). Both are split by the asked turn, as the report splits them.

Run: .venv/bin/python scripts/measure_identity_floor.py --run runs/n6k \\
         --report runs/n6k/eval-v7 --cases 12
(about 4 minutes for 12 faces on 2 cores).
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np

BINS = ((0.0, 1.0), (1.0, 2.0), (2.0, np.inf))


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example: measure_identity_floor.py --run runs/n6k --report runs/n6k/eval-v7 "
        "--cases 12",
    )
    ap.add_argument("--run", type=Path, required=True, help="DCGAN run (directions)")
    ap.add_argument("--report", type=Path, required=True, help="an evaluate folder (cases.csv)")
    ap.add_argument("--cases", type=int, default=12, help="base faces (1..200, default 12)")
    args = ap.parse_args()
    if not 1 <= args.cases <= 200:
        ap.error(f"--cases must lie in 1..200, not {args.cases}")
    table = args.report / "cases.csv"
    if not table.is_file():
        ap.error(f"{table} not found: run `ohlora evaluate --run {args.run} --out {args.report}`")
    with table.open() as f:
        rows = list(csv.DictReader(f))
    try:
        seeds = [int(r["seed"]) for r in rows][: args.cases]
    except (KeyError, TypeError, ValueError):
        ap.error(f"{table} has no seed column of whole numbers: is it an ohlora evaluate report?")
    if not seeds:
        ap.error(f"{table} lists no cases")

    from ohlora.editing.params import EditParams
    from ohlora.editing.run_editor import open_editor
    from ohlora.evaluate.protocols import V7
    from ohlora.faces.analysis import FaceAnalyzer
    from ohlora.faces.flow import warp_image
    from ohlora.scorers.dlib.judge import DlibJudge, identity_distance

    t0 = time.time()
    # the turned faces themselves, never their mirror images (`--mirror-turn`)
    editor = open_editor(args.run, EditParams(mirror_turn=0.0))
    judge = DlibJudge.for_run(args.run)
    grid = V7.grid()
    pose = editor.properties.index("pose")
    edit_d, warp_d, turns, lost = [], [], [], 0
    with FaceAnalyzer(256) as fa:
        for seed in seeds:
            latents = np.repeat(editor.base_latents(np.array([seed])), len(grid), 0)
            measured = editor.measure_base(latents[:1])
            assert measured is not None
            targets = {p: grid[:, j] for j, p in enumerate(("eyes", "mouth", "pose"))}
            res = editor.edit(latents, targets, np.repeat(measured, len(grid), 0))
            base = editor.g.synthesize(latents[:1])[0]
            at_base = fa.landmarks_of(base)
            # faces the mesh finds no landmarks in have no geometry to warp into: both rows
            # leave them out, so that they compare the same edits
            at_edits = [fa.landmarks_of(image) for image in res.images]
            kept = [i for i, lm in enumerate(at_edits) if lm is not None and at_base is not None]
            if not kept:
                continue
            warped = np.stack([warp_image(base, at_base, at_edits[i], fa.size) for i in kept])
            own = judge.analyse(base[None]).descriptors[0]
            edit_d.append(identity_distance(judge.analyse(res.images[kept]).descriptors, own))
            warp_d.append(identity_distance(judge.analyse(warped).descriptors, own))
            turns.append(np.abs(grid[kept, 2] - measured[0, pose]))
            lost += len(grid) - len(kept)
    editor.close()
    judge.close()
    if not turns:
        ap.error("the mesh found no landmarks in any face: nothing to compare")
    turn = np.concatenate(turns)
    took = time.time() - t0
    print(
        f"{len(seeds)} faces x {len(grid)} asked combinations of {table}, {took:.0f} s; "
        f"{lost} edited faces without landmarks left out of both rows"
    )
    heads = [f"turn {lo:g}-{hi:g} sd" if hi < np.inf else f"turn > {lo:g} sd" for lo, hi in BINS]
    print("| faces | same person | distance | " + " | ".join(heads) + " |")
    print("|---|---|---|" + "---|" * len(BINS))
    rows = (("the edit (default editor)", edit_d), ("its geometry, unedited pixels", warp_d))
    for label, d in rows:
        dist = np.concatenate(d)
        cells = []
        for lo, hi in BINS:
            sel = (turn >= lo) & (turn < hi)
            cells.append(f"{100 * (dist[sel] < 0.6).mean():.1f}% ({sel.sum()})")
        same = 100 * (dist < 0.6).mean()
        print(f"| {label} | {same:.1f}% | {dist.mean():.3f} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    from ohlora.errors import OhloraError

    try:
        raise SystemExit(main())
    except OhloraError as e:
        raise SystemExit(f"measure_identity_floor.py: {e}") from None
