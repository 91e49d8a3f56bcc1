"""Where an edit's background change comes from: the new silhouette, or the masks' soft edge.

`ohlora evaluate` counts as background every pixel outside the unedited face's person mask
(mediapipe's selfie segmenter below 0.5). A turned head and its hair may now stand on some of
those pixels. Here the default editor (open loop) edits held-out faces (seeds from 2e9, which
no evaluation uses) with every fifth ask of the v7 grid, and the background change is split
into the pixels where the edited face's own person mask is at least 0.5 (the new silhouette)
and the rest (the soft edge where the editor's composite lets some of the edit through).

Run: .venv/bin/python scripts/measure_background_split.py --run runs/n6k [--faces 12]
(about a minute for 12 faces on 2 cores). Prints the command, the machine, both parts as
contributions to the mean change (0..255) and their shares of the background pixels.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from machine import describe  # benchmarks/machine.py

FIRST_SEED = 2_000_000_000  # outside the evaluation's base seeds (1e9 .. 2e9)
PROPERTIES = ("eyes", "mouth", "pose")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", type=Path, required=True, help="a run with directions")
    ap.add_argument("--faces", type=int, default=12, help="held-out faces (1..200, default 12)")
    args = ap.parse_args()
    if not 1 <= args.faces <= 200:
        ap.error("--faces must be 1..200")

    import cv2

    from ohlora.editing.params import EditParams
    from ohlora.editing.run_editor import open_editor
    from ohlora.evaluate.keeping import PERSON_THRESHOLD
    from ohlora.evaluate.protocols import V7
    from ohlora.faces.analysis import FaceAnalyzer

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {describe()}")
    grid = V7.grid()[::5]
    # the turned faces in their own background, never mirrored (`--mirror-turn`)
    editor = open_editor(args.run, EditParams(refine=0, workers=0, mirror_turn=0.0))
    parts: dict[str, list[float]] = {"new silhouette": [], "soft edge": []}
    shares: dict[str, list[float]] = {"new silhouette": [], "soft edge": []}
    with FaceAnalyzer(256) as fa:

        def person(image: np.ndarray) -> np.ndarray:
            mask = fa.analyse_one(image).person
            return cv2.resize(mask, image.shape[1::-1], interpolation=cv2.INTER_AREA)

        try:
            for seed in range(FIRST_SEED, FIRST_SEED + args.faces):
                latent = editor.base_latents(np.array([seed]))
                base = editor.measure_base(latent)
                n = len(grid)
                targets = {p: grid[:, j].astype(np.float64) for j, p in enumerate(PROPERTIES)}
                res = editor.edit(
                    np.repeat(latent, n, 0), targets, base_measured=np.repeat(base, n, 0)
                )
                unedited = editor.g.synthesize(latent)[0]
                outside = person(unedited) < PERSON_THRESHOLD
                for image in res.images:
                    change = np.abs(image.astype(np.int16) - unedited.astype(np.int16)).mean(-1)
                    covered = person(image) >= PERSON_THRESHOLD
                    for name, where in (
                        ("new silhouette", outside & covered),
                        ("soft edge", outside & ~covered),
                    ):
                        parts[name].append(float(change[where].sum() / outside.sum()))
                        shares[name].append(float(where.sum() / outside.sum()))
        finally:
            editor.close()
    total = sum(np.mean(v) for v in parts.values())
    print(f"{args.faces} faces x {len(grid)} asks (every fifth of the v7 grid), open loop")
    print(f"mean background change {total:.2f} of 255, of which:")
    for name in parts:
        print(
            f"  {name:15s} {np.mean(parts[name]):.2f}  "
            f"({100 * np.mean(shares[name]):.1f}% of the background pixels)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
