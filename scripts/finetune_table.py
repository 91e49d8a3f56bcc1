"""Print the README's fine-tuning table (markdown) from the reports the evaluations wrote:
RUN/eval-v3-auto (VectorFind's default editor) and RUN/finetune-vN/eval-v3 with the
training history RUN/finetune-vN/history.json.

Run: .venv/bin/python scripts/finetune_table.py --run runs/n6k
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

PROPS = ("eyes", "mouth", "pose")
VERSIONS = ("v1", "v2", "v3", "v4", "v5")


def triple(d: dict[str, float], digits: int = 2) -> str:
    return " / ".join(f"{d[p]:.{digits}f}" for p in PROPS)


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def row(name: str, report: dict, training: str) -> str:
    keep, pop = report.get("keeping", {}), report.get("population", {})
    ind = keep.get("independent", {})
    ident = keep.get("identity", {})
    cells = [
        name,
        triple(report["mean_corr"]),
        triple(report["mean_mae"]),
        triple(ind["mean_corr"]) if ind else "n/a",
        triple(ind["mean_mae"]) if ind else "n/a",
        f"{report['passed_v3']} / {report['passed_v7']}",
        pct(ident.get("same_person_share")),
        pct(pop.get("women_share")),
        pct(pop.get("good_quality_share")),
        f"{pop['diversity']:.3f}" if "diversity" in pop else "n/a",
        pct(pop.get("faces_found_share")),
        training,
    ]
    return "| " + " | ".join(cells) + " |"


def training_of(folder: Path) -> str:
    history = json.loads((folder / "history.json").read_text())
    seconds = sum(e["seconds"] for e in history)
    return f"{seconds / 60:.1f} min, {len(history)} epochs"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--protocol", default="v3")
    args = ap.parse_args()
    print(
        "| editor | mesh corr e / m / p | mesh MAE e / m / p | dlib corr e / m / p | "
        "dlib MAE e / m / p | passed v3 / v7 (of 30) | same person | women | good quality | "
        "diversity | faces found (mesh) | training |"
    )
    print("|" + "---|" * 12)
    auto = args.run / f"eval-{args.protocol}-auto" / "report.json"
    if auto.is_file():
        print(row("VectorFind default (`auto`)", json.loads(auto.read_text()), "directions only"))
    # every RUN/finetune-vN, then the other model folders of a version (finetune-v5-best ...)
    folders = [args.run / f"finetune-{v}" for v in VERSIONS]
    folders += sorted(f for f in args.run.glob("finetune-v*-*") if f.is_dir())
    for folder in folders:
        report = folder / f"eval-{args.protocol}" / "report.json"
        if report.is_file():
            name = "FineTune-" + folder.name.removeprefix("finetune-")
            print(row(name, json.loads(report.read_text()), training_of(folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
