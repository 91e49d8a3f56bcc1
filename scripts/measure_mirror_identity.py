"""Is a face's mirror image the same person, and is a far turn another one? The facts behind
`--mirror-turn`, measured by two face networks: dlib's descriptor (the judge) and the HSE
network (the one direction finding may use).

1. Faces of the run's generator against their own mirror images: dlib's descriptor distance
   (same person below 0.6) by the face's own pose (the judge's reading, in sd), and the HSE
   cosine.
2. Held-out faces that look more than 1 sd to one side (the run's mesh scorer), asked to turn
   `--turn` sd to the other side, nothing else asked: the HSE cosine and dlib's distance to
   the unedited face of the default editor's far turn (`--mirror-turn 0`) and of the same ask
   drawn as the mirror image of the shorter turn (`--mirror-turn 1`).

Run: .venv/bin/python scripts/measure_mirror_identity.py --run runs/n6k [--faces 300]
     [--turned 30] [--turn 1.5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from machine import describe  # benchmarks/machine.py

MIRROR_SEED = 123_456  # faces of part 1 (generator seeds, not a store's rows)
FIRST_HELD_OUT = 1_000_000_301  # part 2's candidate faces, as measure_identity_by_ask.py


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example: measure_mirror_identity.py --run runs/n6k --faces 300 --turned 30",
    )
    ap.add_argument("--run", type=Path, required=True, help="a run with directions")
    ap.add_argument("--faces", type=int, default=300, help="part 1's faces (10..5000, 300)")
    ap.add_argument("--turned", type=int, default=30, help="part 2's faces (2..200, 30)")
    ap.add_argument("--turn", type=float, default=1.5, help="part 2's asked pose, sd (1.5)")
    args = ap.parse_args()
    if not 10 <= args.faces <= 5000 or not 2 <= args.turned <= 200:
        ap.error("use --faces 10..5000 and --turned 2..200")

    from ohlora.editing.params import EditParams
    from ohlora.editing.run_editor import open_editor
    from ohlora.faces.analysis import FaceAnalyzer
    from ohlora.faces.descriptor import FaceDescriptor
    from ohlora.scorers.dlib.judge import DlibJudge, identity_distance

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {describe()}")
    editor = open_editor(args.run, EditParams(workers=0, mirror_turn=0.0))
    judge = DlibJudge.for_run(args.run, workers=2)
    hse, analyser = FaceDescriptor.pretrained(), FaceAnalyzer(256)

    def hse_of(images: np.ndarray) -> np.ndarray:
        return hse.describe(images, [analyser.landmarks_of(im) for im in images], 256)

    def cosine(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.nanmean(np.sum(a * b, axis=1)))

    try:
        g = editor.g
        faces = g.synthesize(g.sample_latents(args.faces, MIRROR_SEED))
        mirrors = faces[:, :, ::-1].copy()
        a, b = judge.analyse(faces), judge.analyse(mirrors)
        both = a.detected & b.detected
        dist = identity_distance(a.descriptors, b.descriptors)[both]
        pose = np.abs(a.readings[both, 2])
        print(
            f"1. {args.faces} faces and their mirror images ({both.sum()} found by dlib both "
            f"ways): dlib distance {dist.mean():.3f}, same person {100 * (dist < 0.6).mean():.1f}%"
            f"; HSE cosine {cosine(hse_of(faces), hse_of(mirrors)):.3f}"
        )
        for lo, hi in ((0, 1), (1, 2), (2, np.inf)):
            sel = (pose >= lo) & (pose < hi)
            if sel.any():
                print(
                    f"   own |pose| {lo}..{hi} sd (dlib): {sel.sum():4d} faces, distance "
                    f"{dist[sel].mean():.3f}, same person {100 * (dist[sel] < 0.6).mean():.1f}%"
                )

        seeds = np.arange(FIRST_HELD_OUT, FIRST_HELD_OUT + 20 * args.turned)
        lat = editor.base_latents(seeds)
        own = editor.measure_base(lat)[:, editor.properties.index("pose")]
        pick = np.flatnonzero(np.isfinite(own) & (np.abs(own) > 1.0))[: args.turned]
        lat, own = lat[pick], own[pick]
        asked = {"pose": -np.sign(own) * args.turn}
        base = g.synthesize(lat, editor.d.space)
        far = editor.edit(lat, asked).images
        editor.mirror_turn = 1.0
        mirrored = editor.edit(lat, asked)
        hb, hf, hm = hse_of(base), hse_of(far), hse_of(mirrored.images)
        db, df, dm = (judge.analyse(x).descriptors for x in (base, far, mirrored.images))
        print(
            f"2. {len(lat)} held-out faces looking {np.abs(own).mean():.2f} sd to one side on "
            f"average, asked {args.turn} sd to the other ({mirrored.mirrored.sum()} mirrored):"
        )
        for name, h, d in (("far turn", hf, df), ("mirrored short turn", hm, dm)):
            dd = identity_distance(d, db)
            print(
                f"   {name:20s} HSE cosine to the unedited face {cosine(hb, h):.3f}; dlib "
                f"distance {dd.mean():.3f}, same person {100 * (dd < 0.6).mean():.1f}%"
            )
    finally:
        editor.close()
        judge.close()
        analyser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
