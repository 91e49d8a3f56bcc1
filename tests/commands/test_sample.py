"""`ohlora sample --scorer cnn`: the CNN is recorded, its units used; option errors are one line."""

from __future__ import annotations

import numpy as np

from ohlora.properties.normalise import NORMALISATION_FILE, Normalisation
from ohlora.scorers.cnn import folder as cnn_folder
from ohlora.scorers.cnn.network import columns_for
from ohlora.scorers.cnn.scorer import CNNScorer
from ohlora.store.rundir import RunDir
from ohlora.store.samples import load_samples
from tests.commands.cli import run_ohlora, tiny_cnn


def test_sample_with_the_cnn_records_it_and_uses_its_units(tmp_path, dcgan):
    cnn = tiny_cnn(tmp_path / "cnn", 0)
    run = tmp_path / "run"
    res = run_ohlora(
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
    res = run_ohlora("sample", "--n", 40, "--shard-size", 10, "--run", run, "--scorer", "cnn")
    assert res.returncode == 0, res.stderr
    assert len(load_samples(run)) == 40
    # a retrained CNN in the same folder is another scorer: refused, nothing lost
    tiny_cnn(cnn, 1)
    res = run_ohlora("sample", "--n", 50, "--shard-size", 10, "--run", run, "--scorer", "cnn")
    assert res.returncode == 2 and "cnn_sha256" in res.stderr and "Traceback" not in res.stderr
    assert len(load_samples(run)) == 40
    # mesh labels for a CNN-scored store do not exist: one line says what to do
    res = run_ohlora("find-directions", "--run", run, "--scorer", "mesh", "--k", 5)
    assert res.returncode == 2 and "sample one with `ohlora sample --scorer mesh`" in res.stderr


def test_cnn_option_errors_are_one_line(tmp_path):
    res = run_ohlora("sample", "--n", 10, "--run", tmp_path / "a", "--cnn", tmp_path)
    assert res.returncode == 2 and "--cnn goes with --scorer cnn" in res.stderr
    res = run_ohlora("sample", "--n", 10, "--run", tmp_path / "b", "--scorer", "cnn")
    assert res.returncode == 2 and "holds no property CNN" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    tiny_cnn(tmp_path / "cnn", 0)
    res = run_ohlora(
        "sample", "--n", 10, "--run", tmp_path / "c", "--scorer", "cnn", "--cnn",
        tmp_path / "cnn", "--generator", "stylegan-celeba-partial-256",
    )  # fmt: skip
    assert res.returncode == 2 and "learned dcgan-digiface-64 faces" in res.stderr


def test_engine_option_errors_are_one_line(tmp_path):
    res = run_ohlora("sample", "--n", 10, "--run", tmp_path / "a", "--address", "auto")
    assert res.returncode == 2 and "--address goes with --engine ray" in res.stderr
    res = run_ohlora("sample", "--n", 10, "--run", tmp_path / "b", "--engine", "ray",
                     "--workers", 0)  # fmt: skip
    assert res.returncode == 2 and "needs --workers 1 or more" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
