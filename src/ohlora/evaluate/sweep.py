"""Sweeps over n and k: rerun direction finding and the generation test, write the seed's two
tables (spec section 7) and the two plots of the original report."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np

from ohlora.evaluate.protocols import PROPS
from ohlora.runinfo import atomic_write_bytes, atomic_write_json


def k_label(k: float, n: int) -> str:
    count = int(round(k * n)) if k <= 0.5 else int(k)
    return f"{count} ({100 * count / n:.1f}%)"


def write_tables(out: Path, rows: list[dict[str, Any]]) -> Path:
    """sweep.csv, sweep.json and sweep.md (the seed's 'accuracy + corr' and 'corr + passed'
    tables); returns the markdown path."""
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_json(out / "sweep.json", rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    keys = [
        "n",
        "k",
        "k_count",
        "k_percent",
        *[f"acc_{p}" for p in PROPS],
        *[f"corr_{p}" for p in PROPS],
        "corr_sum",
        "passed_v3",
        "passed_v7",
        "cases",
    ]
    w.writerow(keys)
    for r in rows:
        w.writerow([r[k] if not isinstance(r[k], float) else f"{r[k]:.4f}" for k in keys])
    atomic_write_bytes(out / "sweep.csv", buf.getvalue().encode())
    md = [
        "# Sweep over n and k",
        "",
        "## SVM validation accuracy and mean corr (seed's first table)",
        "",
        "| n | k (top/bottom) | eyes acc | mouth acc | pose acc | eyes corr | mouth corr "
        "| pose corr |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        cells = [f"{r[f'acc_{p}']:.4f}" for p in PROPS] + [f"{r[f'corr_{p}']:.4f}" for p in PROPS]
        md.append(_md_row(r, cells))
    md += [
        "",
        "## Mean corr and passed cases (seed's second table)",
        "",
        "| n | k | eyes corr | mouth corr | pose corr | sum | passed (v7 rule) | "
        "passed (v3 rule) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        cells = [f"{r[f'corr_{p}']:.4f}" for p in PROPS] + [
            f"{r['corr_sum']:.4f}",
            f"{r['passed_v7']} / {r['cases']} ({100 * r['passed_v7'] / r['cases']:.1f}%)",
            f"{r['passed_v3']} / {r['cases']}",
        ]
        md.append(_md_row(r, cells))
    md += [
        "",
        "![sum of corr and passed against k](sweep_sum_passed.png)",
        "",
        "![corr per property against k](sweep_corr.png)",
        "",
    ]
    path = out / "sweep.md"
    atomic_write_bytes(path, "\n".join(md).encode())
    return path


def _md_row(r: dict[str, Any], cells: list[str]) -> str:
    """One table row: n, k as count and percent, then `cells`."""
    return f"| {r['n']} | {r['k_count']} ({r['k_percent']:.1f}%) | " + " | ".join(cells) + " |"


def write_plots(out: Path, rows: list[dict[str, Any]]) -> None:
    """Plot 1: sum of mean corr and passed count against k%; plot 2: each property's corr."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    ax2 = ax.twinx()
    for n in sorted({r["n"] for r in rows}):
        sel = sorted((r for r in rows if r["n"] == n), key=lambda r: r["k_percent"])
        x = [r["k_percent"] for r in sel]
        ax.plot(x, [r["corr_sum"] for r in sel], "o-", label=f"sum of corr, n={n}")
        ax2.plot(x, [r["passed_v7"] for r in sel], "s--", alpha=0.6, label=f"passed, n={n}")
    ax.set_xlabel("k (% of faces, top and bottom each)")
    ax.set_ylabel("sum of mean corr (eyes+mouth+pose)")
    ax2.set_ylabel("passed cases (v7 rule)")
    lines = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    labels = ax.get_legend_handles_labels()[1] + ax2.get_legend_handles_labels()[1]
    ax.legend(lines, labels, fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(out / "sweep_sum_passed.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4))
    for n in sorted({r["n"] for r in rows}):
        sel = sorted((r for r in rows if r["n"] == n), key=lambda r: r["k_percent"])
        x = [r["k_percent"] for r in sel]
        for p, style in zip(PROPS, ("o-", "s-", "^-"), strict=True):
            ax.plot(x, [r[f"corr_{p}"] for r in sel], style, label=f"{p}, n={n}")
    ax.set_xlabel("k (% of faces, top and bottom each)")
    ax.set_ylabel("mean corr (asked vs measured)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out / "sweep_corr.png", dpi=110)
    plt.close(fig)


def sweep_row(
    n: int, k: float, accuracies: dict[str, float], summary: dict[str, Any]
) -> dict[str, Any]:
    count = int(round(k * n)) if k <= 0.5 else int(k)
    row: dict[str, Any] = {
        "n": n,
        "k": k,
        "k_count": count,
        "k_percent": 100 * count / n,
        "cases": summary["cases"],
        "passed_v3": summary["passed_v3"],
        "passed_v7": summary["passed_v7"],
        "corr_sum": summary["mean_corr_sum"],
    }
    for p in PROPS:
        row[f"acc_{p}"] = float(accuracies.get(p, np.nan))
        row[f"corr_{p}"] = float(summary["mean_corr"][p])
    return row
