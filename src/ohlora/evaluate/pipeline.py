"""The generation test for a run directory: open editor and judge, run, write the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ohlora.editing.editor import Editor
from ohlora.evaluate.params import EvalParams
from ohlora.evaluate.protocols import PROTOCOLS
from ohlora.evaluate.report import write_report
from ohlora.evaluate.runner import run_test
from ohlora.progress import progress_bar
from ohlora.store.rundir import RunDir


def evaluate_run(
    run: Path,
    params: EvalParams,
    *,
    editor: Editor | None = None,
    strip: Path | None = None,
    record: bool = True,
) -> tuple[Path, dict[str, Any]]:
    """Run the test and write the report; returns (report.md path, summary dict). `editor`
    (else one opened with `params.edit`) edits; `strip` is a figure the report shows first;
    `record` adds the test to the run's config."""
    import json

    from ohlora.editing.run_editor import open_editor
    from ohlora.evaluate.keeping import KeepingChecks
    from ohlora.evaluate.population import Classifiers, summarise_population
    from ohlora.scorers.dlib.judge import DlibJudge
    from ohlora.scorers.meter import open_meter

    p = params
    proto = PROTOCOLS[p.protocol]
    own_editor = editor is None
    if editor is None:
        editor = open_editor(run, p.edit)
    judge_meter = (
        editor.meter
        if p.judge == "mesh" and editor.meter is not None and editor.meter.views == 1
        else open_meter(run, p.judge, p.edit.workers, editor.d.algorithm)
    )
    accept = None
    if p.filter:
        from ohlora.evaluate.accept import accept_by_filter

        accept = accept_by_filter(run, p.filter)
    out = p.out or Path(run) / f"eval-{p.protocol}"
    classifiers = Classifiers.for_run(run)  # before the test: a damaged file loses nothing
    keeping = KeepingChecks(
        DlibJudge.for_run(run, p.edit.workers) if p.second_judge == "dlib" else None
    )
    try:
        with progress_bar() as bar:
            task = bar.add_task(f"evaluate {p.protocol}", total=p.cases)
            records = run_test(
                editor,
                judge_meter,
                proto,
                p.cases,
                seed=p.seed,
                accept=accept,
                on_case=lambda _r: bar.advance(task),
                keeping=keeping,
            )
    finally:
        keeping.close()
        if judge_meter is not editor.meter:
            judge_meter.close()
        if own_editor:
            editor.close()
    context = {
        "run": str(run),
        "generator": editor.d.generator,
        "space": editor.d.space,
        "n": editor.d.params.get("n"),
        "k": editor.d.params.get("k"),
        "groups": editor.d.group_by or "none",
        "filter (bases)": p.filter or "none",
        "filter (directions)": editor.d.params.get("filter") or "none",
        "algorithm": editor.d.algorithm,
        "method": editor.method,
        "refine": editor.refine if editor.method != "seed" else 0,
        "max turn": p.edit.max_turn,
        "soft turn": getattr(editor, "soft_change", {}).get("pose", 0.0),
        "mirror turn": getattr(editor, "mirror_turn", 0.0),
        "carry": editor.local.carry if editor.local is not None else 0.0,
        "region carry": editor.local.region_carry if editor.local is not None else 0.0,
        "carry res": editor.local.carry_res if editor.local is not None else 0,
        "region steps": editor.local.region_steps if editor.local is not None else "",
        "turn carry": editor.local.turn_carry if editor.local is not None else 0.0,
        "views (edit)": editor.meter.views if editor.meter is not None else 0,
        "judge": p.judge,
        "second judge": p.second_judge,
        "seed": p.seed,
    }
    population = summarise_population(
        [r.images for r in records],
        [r.result.valid for r in records],
        [r.keep.base_descriptor if r.keep is not None else None for r in records],
        classifiers,
        [r.keep.base_detected if r.keep is not None else False for r in records],
    )
    report = write_report(out, records, proto, context, strip=strip, population=population)
    summary = json.loads((out / "report.json").read_text())
    default_out = Path(run) / f"eval-{p.protocol}"
    own = p.out is None or Path(p.out).resolve() == default_out.resolve()
    if record and own:  # a report kept elsewhere leaves the run's own entry alone
        RunDir(run).record_stage(
            f"evaluate-{p.protocol}", {**context, "cases": p.cases, "out": str(out)}
        )
    return report, summary
