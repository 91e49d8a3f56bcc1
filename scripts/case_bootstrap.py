"""How surely the generation test's figures rank editors: 95% intervals by resampling cases.

A report's figures are means over its cases (50 faces, 50 asks each). Resampling the cases
with replacement gives each figure's interval, what another 50 faces would likely measure;
with `--against` (a report on the same faces: the same `ohlora evaluate --cases` and seed)
the paired difference's interval says whether two editors differ on these faces. Several
report folders (the same editor on other draws of faces, `ohlora evaluate --seed S`) are
pooled into one set of cases; `--against` then takes as many, in the same order.

Run: .venv/bin/python scripts/case_bootstrap.py runs/n6k/x-a [runs/n6k/x-a-seed1 ...]
     [--against runs/n6k/x-b [...]] [--resamples 10000] [--seed 0]
Each folder holds the cases.csv written by `ohlora evaluate`. NaN cases (a correlation that
could not be measured) are left out of that figure's mean in every resample, and a difference
is taken over the cases both reports measured (so it need not equal the difference of the two
means printed).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

FIGURES = (
    ("same_person", "same person (share)"),
    ("identity_distance", "descriptor distance"),
    ("background_change", "background change"),
    ("unasked_mae_hair_color", "unasked hair colour"),
    ("unasked_mae_hair_length", "unasked hair length"),
    ("unasked_mae_background_mean", "unasked background mean"),
    ("unasked_mae_background_std", "unasked background std"),
    ("corr_eyes", "mesh corr eyes"),
    ("corr_mouth", "mesh corr mouth"),
    ("corr_pose", "mesh corr pose"),
    ("independent_corr_eyes", "independent corr eyes"),
    ("independent_corr_mouth", "independent corr mouth"),
    ("independent_corr_pose", "independent corr pose"),
)


def load(folder: Path) -> dict[str, np.ndarray]:
    """The per-case columns of a report folder's cases.csv."""
    path = folder / "cases.csv"
    if not path.is_file():
        raise SystemExit(f"error: {path} not found: give a folder written by `ohlora evaluate`")
    rows = list(csv.DictReader(path.open()))
    if not rows or "seed" not in rows[0]:
        raise SystemExit(f"error: {path} has no cases (or no seed column): evaluate again")
    try:
        return {k: np.array([float(r[k]) if r[k] else np.nan for r in rows]) for k in rows[0]}
    except (TypeError, ValueError) as e:
        raise SystemExit(f"error: {path} holds a value that is not a number ({e})") from None


def load_pooled(folders: list[Path]) -> dict[str, np.ndarray]:
    """The cases of several report folders, one after another (the columns all share)."""
    parts = [load(f) for f in folders]
    keys = [k for k in parts[0] if all(k in q for q in parts)]
    return {k: np.concatenate([q[k] for q in parts]) for k in keys}


def interval(values: np.ndarray, idx: np.ndarray) -> tuple[float, float, float]:
    """The mean and the 2.5 / 97.5 percentiles of the resampled means (NaN-aware)."""
    means = np.nanmean(values[idx], axis=1)
    lo, hi = np.nanpercentile(means, [2.5, 97.5])
    return float(np.nanmean(values)), float(lo), float(hi)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "reports", type=Path, nargs="+", help="evaluate report folders (cases.csv), pooled"
    )
    ap.add_argument(
        "--against", type=Path, nargs="+", help="reports on the same faces, for differences"
    )
    ap.add_argument("--resamples", type=int, default=10000, help="1000..1000000 (10000)")
    ap.add_argument("--seed", type=int, default=0, help="the resampling's seed (0)")
    args = ap.parse_args()
    if not 1000 <= args.resamples <= 1_000_000:
        ap.error("--resamples must be 1000..1000000")
    if args.against and len(args.against) != len(args.reports):
        ap.error(f"--against takes as many folders as the reports ({len(args.reports)})")
    a = load_pooled(args.reports)
    b = load_pooled(args.against) if args.against else None
    if b is not None and not np.array_equal(a["seed"], b["seed"]):
        raise SystemExit(
            "error: the two reports were measured on other faces: evaluate both "
            "with the same --cases and --seed"
        )
    n = len(a["seed"])
    idx = np.random.default_rng(args.seed).integers(0, n, (args.resamples, n))
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(
        f"{n} cases from {len(args.reports)} report(s), {args.resamples} resamples of them; "
        "95% intervals"
    )
    for key, label in FIGURES:
        if key not in a:
            continue
        mean, lo, hi = interval(a[key], idx)
        line = f"{label:24s} {mean:8.4f}  [{lo:.4f}, {hi:.4f}]"
        if b is not None and key in b:
            d, dlo, dhi = interval(a[key] - b[key], idx)
            line += f"   minus --against {d:+.4f}  [{dlo:+.4f}, {dhi:+.4f}]"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
