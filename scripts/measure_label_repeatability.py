"""How well the hand labels agree with themselves: the ceiling the classifiers are judged under.

Run: .venv/bin/python scripts/measure_label_repeatability.py \
         [--repeat scripts/data/label_repeat_96.csv]

The repeat file holds a second, blind look by the same labeller at 96 faces drawn at random
(numpy default_rng(15), without replacement) from the shipped seed labels, shown in a
shuffled order on fresh contact sheets without the first labels in view. The script compares
those with the shipped labels (`labels_seeds.csv`, the rows were not changed by the audit)
and prints agreement and Cohen's kappa per task. A classifier trained on labels that agree
with themselves at a rate a cannot be expected to agree with held-out labels much above a.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
from sklearn.metrics import cohen_kappa_score

from ohlora.classifiers.labels import shipped_seed_labels

HERE = Path(__file__).parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=Path, default=HERE / "data" / "label_repeat_96.csv")
    args = ap.parse_args()
    with open(args.repeat, newline="") as f:
        again = list(csv.DictReader(f))
    shipped = shipped_seed_labels()
    row_of = {int(s): i for i, s in enumerate(shipped.seeds)}
    rows = np.array([row_of[int(r["seed"])] for r in again])
    assert (shipped.passes[rows] == 1).all(), "a repeated face was changed by a later pass"
    print(f"{len(again)} faces looked at twice ({args.repeat}):")
    for task in ("gender", "quality"):
        first = getattr(shipped, task)[rows].astype(int)
        second = np.array([int(r[task]) for r in again])
        agree = float((first == second).mean())
        kappa = cohen_kappa_score(first, second)
        print(
            f"  {task:8s} agreement {agree:.3f} ({int((first == second).sum())}/{len(rows)}), "
            f"Cohen's kappa {kappa:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
