"""`ohlora sweep` on the shared small real run writes tables and plots."""

from __future__ import annotations

import csv
import shutil

import pytest
from PIL import Image

from tests.commands.cli import run_ohlora


@pytest.mark.slow
def test_sweep_writes_tables_and_plots(small_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(small_run, run)
    res = run_ohlora(
        "sweep", "--run", run, "--n", "300,600", "--k", "0.2", "--cases", 1, "--workers", 0
    )
    assert res.returncode == 0, res.stderr
    out = run / "sweep"
    rows = list(csv.DictReader((out / "sweep.csv").open()))
    assert [(r["n"], r["k_count"]) for r in rows] == [("300", "60"), ("600", "120")]
    for png in ("sweep_sum_passed.png", "sweep_corr.png"):
        assert Image.open(out / png).size[0] > 300
    assert (out / "sweep.md").read_text().count("| 300 |") == 2
