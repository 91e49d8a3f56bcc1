"""What an editor costs to open: the region-local editor's gains calibrated afresh against read
from the disk cache (`ohlora.editing.gain_cache`), measured in one run on the same run.

Each repeat opens the default editor (`open_editor`, the edit's meter in-process) and times
its first open-loop edit of one face, which asks for the gains: cold, with the cache's reader
made to miss (the gains are calibrated and written again), then warm, a second editor reading
what the first wrote. The command that opens an editor (`ohlora edit`, `evaluate`, `animate`,
the studio) pays this once per start.

Run: .venv/bin/python benchmarks/editor_open.py --run RUN [--repeats 3]
RUN needs samples, normalisation and directions (e.g. `ohlora demo`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from machine import describe  # benchmarks/machine.py (this script's folder is on sys.path)


def first_edit_seconds(run: Path, cold: bool) -> float:
    """Seconds from opening the default editor to its first edit of one face done."""
    from ohlora.editing import editor as editor_module
    from ohlora.editing.params import EditParams
    from ohlora.editing.run_editor import open_editor

    real = editor_module.load_gains
    if cold:
        editor_module.load_gains = lambda key: None  # type: ignore[assignment]
    t0 = time.perf_counter()
    editor = open_editor(run, EditParams(refine=0, workers=0))
    try:
        latent = editor.base_latents(np.array([7]))
        editor.edit(latent, {"eyes": np.array([1.0]), "mouth": np.array([1.0])})
        return time.perf_counter() - t0
    finally:
        editor.close()
        editor_module.load_gains = real


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--repeats", type=int, default=3, help="cold / warm pairs (1..20)")
    args = ap.parse_args()
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"machine: {describe()}")
    first_edit_seconds(args.run, cold=False)  # imports, weights, mediapipe: out of the timing
    cold, warm = [], []
    for _ in range(args.repeats):
        cold.append(first_edit_seconds(args.run, cold=True))
        warm.append(first_edit_seconds(args.run, cold=False))
    c, w = statistics.median(cold), statistics.median(warm)
    print(f"open + first edit, gains calibrated: median {c:5.2f} s ({args.repeats} repeats)")
    print(f"open + first edit, gains from cache: median {w:5.2f} s ({args.repeats} repeats)")
    print(f"calibrated / cached: {c / w:.1f}x (saved {c - w:.2f} s per editor opened)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
