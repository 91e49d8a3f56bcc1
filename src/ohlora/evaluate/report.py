"""Write the generation test's outputs: cases.csv, report.json, report.md and case grids."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ohlora.evaluate.figures import grid, save_png
from ohlora.evaluate.keeping import UNASKED, summarise_keeping
from ohlora.evaluate.metrics import summarise
from ohlora.evaluate.protocols import PROPS, V3_CORR, V3_MAE, V7_ABS_CORR, Protocol
from ohlora.evaluate.runner import CaseRecord
from ohlora.runinfo import atomic_write_bytes, atomic_write_json, provenance


def cases_csv(records: list[CaseRecord]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        [
            "case",
            "seed",
            *[f"corr_{p}" for p in PROPS],
            *[f"mae_{p}" for p in PROPS],
            "valid",
            "total",
            "pass_v3",
            "pass_v7",
            "same_person",
            "identity_distance",
            "background_change",
            *[f"unasked_mae_{p}" for p in UNASKED],
            *[f"independent_corr_{p}" for p in PROPS],
            "mirrored",
        ]
    )
    for i, r in enumerate(records):
        c, k = r.result, r.keep
        keep_cells = ["", "", ""] + [""] * len(UNASKED) + [""] * len(PROPS)
        if k is not None:
            ind = k.independent
            keep_cells = [
                f"{k.same_share:.4f}",
                f"{k.mean_distance:.4f}",
                f"{k.background:.2f}",
                *[f"{k.unasked_mae.get(p, float('nan')):.4f}" for p in UNASKED],
                *[f"{ind.corr[p]:.4f}" if ind else "" for p in PROPS],
            ]
        w.writerow(
            [
                i,
                r.seed,
                *[f"{c.corr[p]:.4f}" for p in PROPS],
                *[f"{c.mae[p]:.4f}" for p in PROPS],
                c.valid,
                c.total,
                int(c.pass_v3),
                int(c.pass_v7),
                *keep_cells,
                r.mirrored,
            ]
        )
    return buf.getvalue()


def write_report(
    out: Path,
    records: list[CaseRecord],
    protocol: Protocol,
    context: dict[str, Any],
    strip: Path | None = None,
    population: dict[str, Any] | None = None,
) -> Path:
    """Write the report files into `out`; returns the path of report.md. `population`: the
    figures of `evaluate.population.summarise_population`, reported when given."""
    out.mkdir(parents=True, exist_ok=True)
    summary = summarise([r.result for r in records])
    keeps = [r.keep for r in records if r.keep is not None]
    if keeps:
        summary["keeping"] = summarise_keeping(keeps)
    if population is not None:
        summary["population"] = population
    summary["mirrored"] = sum(r.mirrored for r in records)
    atomic_write_bytes(out / "cases.csv", cases_csv(records).encode())
    ranked = sorted(
        range(len(records)),
        key=lambda i: -1e9 if _nan(records[i].result.corr_sum) else records[i].result.corr_sum,
    )
    best, worst = records[ranked[-1]], records[ranked[0]]
    cols = len(protocol.pose)
    save_png(grid(best.images, cols), out / "best_case.png")
    save_png(grid(worst.images, cols), out / "worst_case.png")
    report = {
        "protocol": protocol.name,
        **summary,
        "context": context,
        "provenance": provenance(),
        "thresholds": {"v3_corr": V3_CORR, "v3_mae": V3_MAE, "v7_abs_corr": V7_ABS_CORR},
        "best_case_seed": best.seed,
        "worst_case_seed": worst.seed,
        "per_case": [
            {
                "seed": r.seed,
                "corr": r.result.corr,
                "mae": r.result.mae,
                "valid": r.result.valid,
                "pass_v3": r.result.pass_v3,
                "pass_v7": r.result.pass_v7,
                "mirrored": r.mirrored,
                **(_keep_json(r.keep) if r.keep is not None else {}),
            }
            for r in records
        ],
    }
    atomic_write_json(out / "report.json", report)
    md = [f"# Generation test, protocol {protocol.name}", ""]
    md += [f"- {k}: `{v}`" for k, v in context.items()]
    md += [
        "",
        f"{len(records)} cases x {len(protocol.grid())} asked combinations: eyes "
        f"{list(protocol.eyes)}, mouth {list(protocol.mouth)}, pose {list(protocol.pose)} "
        "(normalised units). Measured back with the judge scorer.",
        "",
    ]
    if strip is not None:
        md += [
            "## Oh-LoRA strip",
            "",
            "One face; top row eyes from closed to open, middle row mouth from closed to "
            "open, bottom row head pose from left to right.",
            "",
            f"![Oh-LoRA strip]({strip.name})",
            "",
        ]
    md += [
        "## Obedience",
        "",
        "| property | mean corr | mean MAE | v3 rule | v7 rule |",
        "|---|---|---|---|---|",
    ]
    for p in PROPS:
        md.append(
            f"| {p} | {summary['mean_corr'][p]:.4f} | {summary['mean_mae'][p]:.4f} | "
            f"corr >= {V3_CORR[p]}, MAE <= {V3_MAE[p]} | abs(corr) >= {V7_ABS_CORR[p]} |"
        )
    md += [
        "",
        f"Sum of mean corr: **{summary['mean_corr_sum']:.4f}**. Passed (v3 rule): "
        f"**{summary['passed_v3']} / {len(records)}**; passed (v7 rule): "
        f"**{summary['passed_v7']} / {len(records)}**. Images with no face found: "
        f"{summary['faces_lost']}. Drawn as the mirror image of a shorter turn "
        f"(`--mirror-turn`): {summary['mirrored']} of {sum(len(r.asked) for r in records)}.",
        "",
    ]
    if keeps:
        md += _keeping_md(summary["keeping"])
    if population is not None:
        md += _population_md(population, str(context.get("judge", "judge")))
    for title, rec, name in (
        ("Best case", best, "best_case.png"),
        ("Worst case", worst, "worst_case.png"),
    ):
        c = rec.result
        md += [
            f"## {title} (seed {rec.seed})",
            "",
            "corr "
            + ", ".join(f"{p} {c.corr[p]:.3f}" for p in PROPS)
            + "; MAE "
            + ", ".join(f"{p} {c.mae[p]:.3f}" for p in PROPS),
            "",
            "Rows: eyes x mouth as asked (eyes slowest); columns: pose from left to right.",
            "",
            f"![{title}]({name})",
            "",
        ]
    md += ["Per-case figures: `cases.csv`; everything as JSON: `report.json`.", ""]
    path = out / "report.md"
    atomic_write_bytes(path, "\n".join(md).encode())
    return path


def _keep_json(k) -> dict[str, Any]:
    out: dict[str, Any] = {"unasked_mae": k.unasked_mae, "background_change": k.background}
    if k.distance is not None:
        out["same_person"] = k.same_share
        out["identity_distance"] = k.mean_distance
    if k.independent is not None:
        out["independent_corr"] = k.independent.corr
        out["independent_mae"] = k.independent.mae
    return out


def _keeping_md(keep: dict[str, Any]) -> list[str]:
    """The report's section on what the edits keep."""
    md = ["## What the edits keep", ""]
    ident = keep.get("identity")
    if ident:
        md += [
            f"- same person as the unedited face (dlib descriptor distance < 0.6): "
            f"**{100 * ident['same_person_share']:.1f}%** of {ident['faces']} edited faces "
            f"(worst case {100 * ident['worst_case_same_share']:.0f}%); mean distance "
            f"**{ident['mean_distance']:.3f}**",
        ]
        for b in ident.get("by_turn", []):
            span = (
                f"{b['turn_from']:.0f} to {b['turn_to']:.0f}"
                if b["turn_to"] is not None
                else f"more than {b['turn_from']:.0f}"
            )
            md.append(
                f"  - asked turn {span} sd from the face's own pose: "
                f"{100 * b['same_person_share']:.1f}% of {b['faces']} faces (distance "
                f"{b['mean_distance']:.3f})"
            )
    md += [
        f"- background: mean pixel change outside the person mask "
        f"**{keep['background_change']:.1f}** of 255",
        "- unasked properties, MAE edited vs unedited (normalised units): "
        + ", ".join(f"{p} {v:.3f}" for p, v in keep["unasked_mae"].items()),
        "",
    ]
    ind = keep.get("independent")
    if ind:
        md += [
            "Obedience by the independent judge (dlib's 68 landmarks; shares no model and no "
            "formula with the editor's scorer):",
            "",
            "| property | mean corr | mean MAE |",
            "|---|---|---|",
            *[f"| {p} | {ind['mean_corr'][p]:.4f} | {ind['mean_mae'][p]:.4f} |" for p in PROPS],
            "",
            f"Passed by its readings: v3 {ind['passed_v3']} / {ind['cases']}, v7 "
            f"{ind['passed_v7']} / {ind['cases']}.",
            "",
        ]
    return md


def _population_md(pop: dict[str, Any], judge: str) -> list[str]:
    """The report's section on who the produced faces are, all cases together."""
    md = ["## Population", ""]
    for key, what in (("women_share", "women"), ("good_quality_share", "good quality")):
        if key in pop:
            md.append(
                f"- {what} (the run's classifier, P >= 0.5): **{100 * pop[key]:.1f}%** of "
                f"{pop['faces']} produced faces"
            )
    md += [
        f"- diversity: mean dlib descriptor distance between the base faces of different "
        f"cases **{pop['diversity']:.3f}** ({pop['diversity_faces']} bases, "
        f"{pop.get('diversity_detected', 0)} found by dlib's detector, the rest read in the "
        "fixed face box; the same person is under 0.6)",
        f"- faces found by the judge ({judge}): **{100 * pop['faces_found_share']:.1f}%** "
        f"({pop['faces_found']} of {pop['faces']})",
        *[f"- note: {n}" for n in pop.get("notes", [])],
        "",
    ]
    return md


def _nan(x: float) -> bool:
    return x != x
