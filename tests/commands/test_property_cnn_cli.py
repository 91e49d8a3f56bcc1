"""The property CNN from the command line: sample with it, resume rules, train it end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from ohlora.properties.columns import PROPERTIES
from ohlora.properties.normalise import NORMALISATION_FILE, Normalisation
from ohlora.scorers.cnn import folder as cnn_folder
from ohlora.scorers.cnn.network import PropertyCNN, columns_for, default_architecture
from ohlora.scorers.cnn.scorer import CNNScorer
from ohlora.store.rundir import RunDir
from ohlora.store.samples import load_samples


def _ohlora(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ohlora", *map(str, args)], capture_output=True, text=True
    )


def _tiny_cnn(folder: Path, seed: int) -> Path:
    torch.manual_seed(seed)
    arch = default_architecture(64, "context", small=((4, 8), 8), large=((4, 8), 8))
    cols = columns_for()
    norm = Normalisation(cols, np.arange(7.0), np.arange(1.0, 8.0), np.full(7, 10))
    return cnn_folder.save(
        folder, PropertyCNN(arch).eval(), norm, {"generator": "dcgan-digiface-64"}
    )


def test_sample_with_the_cnn_records_it_and_uses_its_units(tmp_path, dcgan):
    cnn = _tiny_cnn(tmp_path / "cnn", 0)
    run = tmp_path / "run"
    res = _ohlora(
        "sample", "--n", 30, "--shard-size", 10, "--run", run, "--scorer", "cnn", "--cnn", cnn
    )
    assert res.returncode == 0, res.stderr
    cfg = RunDir(run).stage_config("sample")
    assert cfg["scorer"] == "cnn" and cfg["cnn"] == str(cnn.resolve())
    assert cfg["cnn_sha256"] == cnn_folder.load(cnn)[2]["model_sha256"]
    s = load_samples(run)
    assert s.columns == columns_for() and s.found.all()
    scorer = CNNScorer.from_dir(cnn)
    for lo in (0, 10, 20):  # shard by shard, as the sampler scores them
        images = dcgan.synthesize(dcgan.sample_latents(10, lo))
        np.testing.assert_array_equal(s.raw[lo : lo + 10], scorer.score(images).raw)
    # normalised with the CNN's own statistics, not refitted on these 30 faces
    assert (
        Normalisation.load(run / "normalisation.json").to_dict()["columns"]
        == (Normalisation.load(cnn / NORMALISATION_FILE).to_dict()["columns"])
    )
    np.testing.assert_allclose(s.normalised, (s.raw - np.arange(7.0)) / np.arange(1.0, 8.0))

    # growing the run needs no --cnn: it keeps the CNN it was sampled with
    res = _ohlora("sample", "--n", 40, "--shard-size", 10, "--run", run, "--scorer", "cnn")
    assert res.returncode == 0, res.stderr
    assert len(load_samples(run)) == 40
    # a retrained CNN in the same folder is another scorer: refused, nothing lost
    _tiny_cnn(cnn, 1)
    res = _ohlora("sample", "--n", 50, "--shard-size", 10, "--run", run, "--scorer", "cnn")
    assert res.returncode == 2 and "cnn_sha256" in res.stderr and "Traceback" not in res.stderr
    assert len(load_samples(run)) == 40
    # mesh labels for a CNN-scored store do not exist: one line says what to do
    res = _ohlora("find-directions", "--run", run, "--scorer", "mesh", "--k", 5)
    assert res.returncode == 2 and "sample one with `ohlora sample --scorer mesh`" in res.stderr


def test_cnn_option_errors_are_one_line(tmp_path):
    res = _ohlora("sample", "--n", 10, "--run", tmp_path / "a", "--cnn", tmp_path)
    assert res.returncode == 2 and "--cnn goes with --scorer cnn" in res.stderr
    res = _ohlora("sample", "--n", 10, "--run", tmp_path / "b", "--scorer", "cnn")
    assert res.returncode == 2 and "holds no property CNN" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    _tiny_cnn(tmp_path / "cnn", 0)
    res = _ohlora(
        "sample", "--n", 10, "--run", tmp_path / "c", "--scorer", "cnn", "--cnn",
        tmp_path / "cnn", "--generator", "stylegan-celeba-partial-256",
    )  # fmt: skip
    assert res.returncode == 2 and "learned dcgan-digiface-64 faces" in res.stderr


@pytest.mark.slow
def test_train_property_cnn_end_to_end(tmp_path):
    train, test = tmp_path / "train", tmp_path / "test"
    for run, seed in ((train, 0), (test, 500)):
        res = _ohlora(
            "sample", "--n", 48, "--seed", seed, "--shard-size", 48, "--workers", 0, "--run", run
        )
        assert res.returncode == 0, res.stderr
    res = _ohlora(
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
    res = _ohlora(
        "find-directions", "--run", train, "--scorer", "cnn", "--k", 10, "--out", tmp_path / "d"
    )
    assert res.returncode == 0, res.stderr
    meta = json.loads((tmp_path / "d" / "directions.json").read_text())
    assert json.dumps(meta).count('"scorer": "cnn"') >= 1
    assert json.dumps(str(train / cnn_folder.DEFAULT_FOLDER)) in json.dumps(meta)  # the CNN it used
    # a CNN-scored store cannot teach the CNN
    res = _ohlora("sample", "--n", 20, "--run", tmp_path / "c", "--scorer", "cnn", "--cnn", train)
    assert res.returncode == 0, res.stderr
    res = _ohlora("train-property-cnn", "--run", tmp_path / "c")
    assert res.returncode == 2 and "scored by the cnn scorer" in res.stderr
