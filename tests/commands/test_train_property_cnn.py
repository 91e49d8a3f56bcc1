"""`ohlora train-property-cnn` end to end, then sampling and relabelling with the CNN."""

from __future__ import annotations

import json

import pytest

from ohlora.properties.columns import PROPERTIES
from ohlora.scorers.cnn import folder as cnn_folder
from ohlora.scorers.cnn.scorer import CNNScorer
from ohlora.store.rundir import RunDir
from tests.commands.cli import run_ohlora


@pytest.mark.slow
def test_train_property_cnn_end_to_end(tmp_path):
    train, test = tmp_path / "train", tmp_path / "test"
    for run, seed in ((train, 0), (test, 500)):
        res = run_ohlora(
            "sample", "--n", 48, "--seed", seed, "--shard-size", 48, "--workers", 0, "--run", run
        )
        assert res.returncode == 0, res.stderr
    res = run_ohlora(
        "train-property-cnn", "--run", train, "--test", test, "--test", train, "--epochs", 2,
        "--threads", 1,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "held out" in out and f"test run {test}" in out
    # the training run as a test run: every face was trained on, so all are left out
    assert f"test run {train}: 0 faces" in out
    for prop in PROPERTIES:
        assert sum(line.strip().startswith(prop + " ") for line in out.splitlines()) == 4, prop
    assert "training fit: " in out
    scorer = CNNScorer.from_run(train)
    assert scorer.source == train / cnn_folder.DEFAULT_FOLDER
    cfg = cnn_folder.load(train / cnn_folder.DEFAULT_FOLDER)[2]
    assert cfg["training"]["run"] == str(train) and len(cfg["training"]["history"]) >= 1
    assert RunDir(train).stage_config("train-property-cnn")["out"] == str(scorer.source)
    # directions from the same faces with CNN labels instead of mesh labels
    res = run_ohlora(
        "find-directions", "--run", train, "--scorer", "cnn", "--k", 10, "--out", tmp_path / "d"
    )
    assert res.returncode == 0, res.stderr
    meta = json.loads((tmp_path / "d" / "directions.json").read_text())
    assert json.dumps(meta).count('"scorer": "cnn"') >= 1
    assert json.dumps(str(train / cnn_folder.DEFAULT_FOLDER)) in json.dumps(meta)  # the CNN it used
    # a CNN-scored store cannot teach the CNN
    res = run_ohlora(
        "sample", "--n", 20, "--run", tmp_path / "c", "--scorer", "cnn", "--cnn", train
    )
    assert res.returncode == 0, res.stderr
    res = run_ohlora("train-property-cnn", "--run", tmp_path / "c")
    assert res.returncode == 2 and "scored by the cnn scorer" in res.stderr
