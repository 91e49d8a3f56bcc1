"""`ohlora finetune` trains a version on a run, records the stage and prints each epoch's test."""

from __future__ import annotations

import json

from ohlora.finetune.model import FineTunedModel
from ohlora.store.rundir import RunDir
from tests.commands.cli import fake_store, run_ohlora, tiny_cnn


def test_a_version_trains_on_a_run_and_is_recorded(dcgan, tmp_path):
    run = tmp_path / "run"
    fake_store(run, dcgan, 64)
    cnn = tiny_cnn(tmp_path / "cnn", seed=0)
    args = ["--run", run, "--version", "v2", "--epochs", 2, "--n", 64, "--batch-size", 32]
    res = run_ohlora("finetune", *args, "--test-z", 1, "--cnn", cnn)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.strip().splitlines()
    assert [ln.split(":")[0] for ln in lines[:2]] == ["epoch 1", "epoch 2"]
    assert "test corr eyes" in lines[0] and "passed v3 " in lines[0]
    out = run / "finetune-v2"
    assert lines[-1].startswith("2 epochs in ") and lines[-1].endswith(f"model in {out}")
    model = FineTunedModel.load(out)
    assert model.version == "v2" and model.config["epoch"] == 2
    stage = RunDir(run).stage_config("finetune-v2")
    assert stage["out"] == str(out) and stage["epochs"] == 2
    assert "git_commit" in json.dumps(stage["provenance"])


def test_a_store_without_the_scores_a_version_trains_on_is_one_line(dcgan, tmp_path):
    run = tmp_path / "run"
    fake_store(run, dcgan, 64)  # one dummy score column, no algorithm-1 scores
    cnn = tiny_cnn(tmp_path / "cnn", seed=0)
    res = run_ohlora("finetune", "--run", run, "--version", "v1", "--n", 64, "--cnn", cnn)
    assert res.returncode == 2
    assert "has no algorithm-1 scores (alg1.eyes, " in res.stderr
    assert "`ohlora sample --scorer mesh`" in res.stderr
    assert not (run / "finetune-v1" / "model.safetensors").exists()
