"""`ohlora train-classifiers` refuses corrupt labels with one line naming the line."""

from __future__ import annotations

from tests.commands.cli import run_ohlora


def test_corrupt_labels_are_one_line_errors_naming_the_line(tmp_path):
    bad = tmp_path / "labels.csv"
    bad.write_text("index,seed,gender,quality\n0,1,1,1\n1,2,1,maybe\n")
    res = run_ohlora("train-classifiers", "--run", tmp_path / "run", "--labels", bad)
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        f"ohlora train-classifiers: error: {bad} line 3: quality is 'maybe'; "
        "write 1 (good) or 0 (bad), empty (not labelled yet) or skip"
    ]
