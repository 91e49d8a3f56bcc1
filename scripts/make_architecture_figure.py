"""Draw docs/images/architecture.png: the package's layers, read from the import-linter layers
contract in pyproject.toml (the one `make lint` checks), one row per layer, top to bottom.

A module may import only the rows below its own; modules side by side in a row do not import
each other. Run: .venv/bin/python scripts/make_architecture_figure.py
"""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

ROOT = Path(__file__).resolve().parents[1]

# What each module owns (the caption under its name).
OWNS = {
    "cli": "one subcommand per module of commands/",
    "commands": "thin: parse options, build the stage's parameters\n"
    "(SampleParams, FindParams, EditParams, EvalParams ...)",
    "studio": "web pages: the studio (live sliders, clips)\nand the labelling page",
    "finetune": "FineTune-v1..v5: conditional heads and discriminators\n"
    "on the frozen DCGAN, resumable training",
    "evaluate": "generation test v3 / v7, what edits keep\n(identity, background), reports, sweeps",
    "editing": "Editor: asked targets -> steps, closed loop,\n"
    "region-local rendering; plans, batches",
    "vectorfind": "top/bottom-k -> LinearSVC directions,\nresponse model, groups",
    "sampling": "the sample stage: shards planned,\ncomputed (local engine), finalised",
    "scorers": "Scorer protocol, Scores; mesh and property-CNN\n"
    "scorers; PropertyMeter; the dlib judge",
    "classifiers": "gender / quality CNNs, hand labels,\nK-fold training, annotating a store",
    "generators": "Generator protocol, seed rule;\nDCGAN 64 px, StyleGAN 256 px (z, w, w+)",
    "properties": "algorithms 1, 2, landmark -> 7 scores;\nGaussian normalisation",
    "faces": "mediapipe face mesh + selfie mask -> class map, region masks",
    "store": "run directories (config.json, provenance),\nsharded sample store, filters",
    "weights": "registry: where each file comes from,\nits sha256, the cache",
    "modelfolder": "one model format: safetensors + JSON\n+ sha256 + version",
    "runinfo": "provenance, atomic writes",
    "progress": "progress bars",
    "paths": "--run / --plan / --out checks",
    "errors": "OhloraError: one line, what to do",
}
# The name of each band of rows, by its first module.
BANDS = {
    "cli": "entry",
    "commands": "commands",
    "finetune": "stages",
    "scorers": "models",
    "generators": "images and\nscores",
    "store": "storage",
    "modelfolder": "utilities",
}
COLOURS = {
    "entry": "#f3f3f3",
    "commands": "#f3f3f3",
    "stages": "#e8f1e4",
    "models": "#eef3fb",
    "images and\nscores": "#fbf3e6",
    "storage": "#f4eef8",
    "utilities": "#f3f3f3",
}


def layers() -> list[list[str]]:
    """The contract's layers, top first, as lists of short module names (`__main__` left out:
    it only calls the cli)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    spec = next(c for c in contracts if c["type"] == "layers")["layers"]
    rows = [[m.strip().removeprefix("ohlora.") for m in row.split("|")] for row in spec]
    return [row for row in rows if row != ["__main__"]]


def label(module: str) -> str:
    folder = (ROOT / "src" / "ohlora" / module).is_dir()
    return f"{module}/" if folder else f"{module}.py"


def main() -> None:
    rows = layers()
    row_h, gap, width = 0.8, 0.24, 10.0
    height = len(rows) * (row_h + gap)
    fig, ax = plt.subplots(figsize=(11, height * 0.78))
    ax.set_axis_off()
    band, y = "entry", height
    centres: list[float] = []
    for row in rows:
        y -= row_h + gap
        band = BANDS.get(row[0], band)
        if row[0] in BANDS:
            ax.text(
                0.05,
                y + row_h / 2,
                BANDS[row[0]],
                ha="left",
                va="center",
                fontsize=9,
                color="#555",
                style="italic",
            )
        left, span = 1.35, width - 1.35
        w = (span - 0.15 * (len(row) - 1)) / len(row)
        for i, module in enumerate(row):
            x = left + i * (w + 0.15)
            ax.add_patch(
                FancyBboxPatch(
                    (x, y),
                    w,
                    row_h,
                    boxstyle="round,pad=0.02",
                    fc=COLOURS[band],
                    ec="#3566a8",
                    lw=1.1,
                )
            )
            ax.text(
                x + 0.12,
                y + row_h - 0.13,
                label(module),
                ha="left",
                va="top",
                fontsize=9.5,
                weight="bold",
            )
            ax.text(
                x + 0.12,
                y + row_h - 0.33,
                OWNS.get(module, ""),
                ha="left",
                va="top",
                fontsize=7.6,
                color="#333",
            )
        centres.append(y)
    for upper, lower in itertools.pairwise(centres):
        ax.add_patch(
            FancyArrowPatch(
                (1.0, upper - 0.02),
                (1.0, lower + row_h + 0.02),
                arrowstyle="-|>",
                mutation_scale=10,
                color="#777",
                lw=1.0,
            )
        )
    ax.set_xlim(0, width + 0.1)
    ax.set_ylim(-0.1, height)
    ax.set_title(
        "ohlora: each layer imports only the layers below it (pinned by `make lint`)",
        fontsize=11,
    )
    out = ROOT / "docs" / "images" / "architecture.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110, bbox_inches="tight")
    print(out)


if __name__ == "__main__":
    main()
