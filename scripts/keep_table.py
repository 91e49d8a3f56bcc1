"""Print the README's "Keeping the person" table rows from `ohlora evaluate` report folders.

Run: .venv/bin/python scripts/keep_table.py "LABEL=runs/n6k/eval-v7-x" ["LABEL=FOLDER" ...]
Each folder holds a report.json written by `ohlora evaluate` with the dlib second judge.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

PROPS = ("eyes", "mouth", "pose")
UNASKED = ("hair_color", "hair_length", "background_mean", "background_std")


def row(label: str, folder: Path) -> str:
    """One markdown table row for a report folder."""
    r = json.loads((folder / "report.json").read_text())
    k = r["keeping"]
    ind = k["independent"]
    ident = k["identity"]
    return " | ".join(
        [
            f"| {label}",
            f"{100 * ident['same_person_share']:.1f}%",
            f"{ident['mean_distance']:.3f}",
            f"{k['background_change']:.1f}",
            " / ".join(f"{k['unasked_mae'][u]:.2f}" for u in UNASKED),
            " / ".join(f"{r['mean_corr'][p]:.4f}" for p in PROPS),
            f"{r['passed_v7']} / {r['passed_v3']}",
            " / ".join(f"{ind['mean_corr'][p]:.4f}" for p in PROPS),
            f"{ind['passed_v7']} / {ind['passed_v3']} |",
        ]
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reports", nargs="+", help="LABEL=FOLDER pairs")
    args = ap.parse_args()
    for item in args.reports:
        label, _, folder = item.partition("=")
        if not folder:
            ap.error(f"{item!r}: give LABEL=FOLDER")
        print(row(label, Path(folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
