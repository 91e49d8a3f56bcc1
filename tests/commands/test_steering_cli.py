"""The steering stages from the command line, on the shared small real run: the batch edit
(the interface judged from outside), the generation test, sweeps, strips and the demo."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image


def _ohlora(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ohlora", *map(str, args)], capture_output=True, text=True
    )


def test_edit_single_and_plan_forms(small_run, tmp_path):
    face = tmp_path / "face.png"
    res = _ohlora(
        "edit", "--run", small_run, "--seed", 7, "--eyes", 1.5, "--pose", -1, "--out", face,
        "--workers", 0,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert Image.open(face).size == (64, 64)

    plan = tmp_path / "plan.csv"
    plan.write_text("seed,eyes,mouth,pose,out\n3,1.0,-1.0,,mine.png\n3,-1.0,1.0,0.5,\n")
    out = tmp_path / "edits"
    res = _ohlora("edit", "--run", small_run, "--plan", plan, "--out", out, "--workers", 0)
    assert res.returncode == 0, res.stderr
    assert (out / "mine.png").is_file() and (out / "00001.png").is_file()
    rows = list(csv.DictReader((out / "edits.csv").open()))
    assert [r["seed"] for r in rows] == ["3", "3"]
    a, b = (np.asarray(Image.open(out / f)) for f in ("mine.png", "00001.png"))
    assert a.shape == b.shape == (64, 64, 3) and np.abs(a.astype(int) - b).mean() > 1

    bad = tmp_path / "bad.csv"
    bad.write_text("seed,eyes,mouth,pose\n1,0,0,0\n2,0,oops,0\n")
    res = _ohlora("edit", "--run", small_run, "--plan", bad, "--out", tmp_path / "x")
    assert res.returncode == 2 and "row 2" in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_evaluate_writes_the_report(small_run, tmp_path):
    out = tmp_path / "eval"
    res = _ohlora(
        "evaluate", "--run", small_run, "--cases", 2, "--protocol", "v7", "--out", out,
        "--workers", 0,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["cases"] == 2 and len(report["per_case"]) == 2
    assert 0 <= report["passed_v7"] <= 2 and set(report["mean_corr"]) == {"eyes", "mouth", "pose"}
    rows = list(csv.DictReader((out / "cases.csv").open()))
    assert len(rows) == 2
    md = (out / "report.md").read_text()
    assert "eyes" in md and ".png" in md
    for name in (p.split("](")[1].rstrip(")") for p in md.split("![")[1:]):
        assert (out / name.split(")")[0]).is_file(), name


@pytest.mark.slow
def test_sweep_writes_tables_and_plots(small_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(small_run, run)
    res = _ohlora(
        "sweep", "--run", run, "--n", "300,600", "--k", "0.2", "--cases", 1, "--workers", 0
    )
    assert res.returncode == 0, res.stderr
    out = run / "sweep"
    rows = list(csv.DictReader((out / "sweep.csv").open()))
    assert [(r["n"], r["k_count"]) for r in rows] == [("300", "60"), ("600", "120")]
    for png in ("sweep_sum_passed.png", "sweep_corr.png"):
        assert Image.open(out / png).size[0] > 300
    assert (out / "sweep.md").read_text().count("| 300 |") == 2


def test_strips_rank_each_property(small_run, tmp_path):
    out = tmp_path / "strips.png"
    res = _ohlora("strips", "--run", small_run, "--out", out, "--count", 4)
    assert res.returncode == 0, res.stderr
    w, h = Image.open(out).size
    assert w > 8 * 64 and h > 7 * 64  # 7 properties, 4 + 4 faces each


@pytest.mark.slow
def test_demo_runs_the_whole_job_small(tmp_path):
    run = tmp_path / "demo"
    res = _ohlora("demo", "--run", run, "--n", 300, "--cases", 1)
    assert res.returncode == 0, res.stderr
    report = res.stdout.strip().splitlines()[-1]
    assert report.endswith("report.md") and (run / "eval-v7" / "strip.png").is_file()
    assert "strip.png" in Path(report).read_text()
    cfg = json.loads((run / "config.json").read_text())
    assert {"sample", "find-directions", "evaluate-v7"} <= set(cfg)
