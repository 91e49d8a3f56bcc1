"""`ohlora demo`: the whole job, small."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.commands.cli import run_ohlora_process


@pytest.mark.slow
def test_demo_runs_the_whole_job_small(tmp_path):
    run = tmp_path / "demo"
    res = run_ohlora_process("demo", "--run", run, "--n", 300, "--cases", 1)
    assert res.returncode == 0, res.stderr
    report = res.stdout.strip().splitlines()[-1]
    assert report.endswith("report.md") and (run / "eval-v7" / "strip.png").is_file()
    assert "strip.png" in Path(report).read_text()
    cfg = json.loads((run / "config.json").read_text())
    assert {"sample", "find-directions", "evaluate-v7"} <= set(cfg)
