"""The gender / quality commands end to end: train (tiny), classify, filter, export, errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ohlora.store import samples as store
from ohlora.store.filter import filter_mask
from ohlora.store.rundir import RunDir


def _ohlora(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ohlora", *map(str, args)], capture_output=True, text=True
    )


def _store(run: Path, dcgan, n: int) -> None:
    RunDir(run).record_stage(
        "sample",
        {"generator": "dcgan-digiface-64", "n": n, "seed": 0, "shard_size": n, "scorer": "x"},
    )
    seeds = np.arange(n, dtype=np.int64)
    store.write_npz(
        store.shard_path(run, 0),
        {
            "index": seeds,
            "seed": seeds,
            "z": dcgan.latents_for_seeds(seeds.tolist()),
            "raw": np.zeros((n, 1), np.float32),
            "found": np.ones(n, bool),
            "columns": np.array(["eyes_raw"]),
            "normalised": np.zeros((n, 1), np.float32),
        },
    )


@pytest.mark.slow
def test_train_then_classify_prints_figures_and_filters(tmp_path, dcgan):
    run = tmp_path / "run"
    res = _ohlora("train-classifiers", "--run", run, "--folds", "2", "--epochs", "1")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "accuracy" in out and "ROC AUC" in out and "majority" in out
    gender = next(line for line in out.splitlines() if line.strip().startswith("gender"))
    assert " 256 " in gender and "0.512" in gender  # 131 / 256 men: the majority baseline
    quality = next(line for line in out.splitlines() if line.strip().startswith("quality"))
    assert "top-centre" in quality and "0.707" in quality  # 181 / 256 good
    for name in ("gender.safetensors", "gender.json", "quality.safetensors", "oof.csv"):
        assert (run / "classifiers" / name).is_file()
    assert "train-classifiers" in RunDir(run).config()

    _store(run, dcgan, 30)
    res = _ohlora("classify", "--run", run, "--chunk", "8")
    assert res.returncode == 0, res.stderr
    assert f"30 rows of {run} classified" in res.stdout and "before: women" in res.stdout
    s = store.load_samples(run)
    g, q = s.column("gender"), s.column("quality")
    assert np.isfinite(g).all() and np.isfinite(q).all()
    mask = filter_mask(s, "gender>=0.5,quality>=0.5")
    assert np.array_equal(mask, (g >= 0.5) & (q >= 0.5))
    assert f"keeps {int(mask.sum())}" in res.stdout

    res = _ohlora("classify", "--run", run, "--fresh", "20", "--seed", "0")
    assert res.returncode == 0, res.stderr
    # fresh seeds 0..19 are the store's first 20 rows: the same faces, the same verdicts
    assert f'filter "gender>=0.5,quality>=0.5" keeps {int(mask[:20].sum())}' in res.stdout

    res = _ohlora("classify", "--run", run, "--filter", "eyes>0")
    assert res.returncode == 2 and "only use gender and quality" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_corrupt_labels_are_one_line_errors_naming_the_line(tmp_path):
    bad = tmp_path / "labels.csv"
    bad.write_text("index,seed,gender,quality\n0,1,1,1\n1,2,1,maybe\n")
    res = _ohlora("train-classifiers", "--run", tmp_path / "run", "--labels", bad)
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        f"ohlora train-classifiers: error: {bad} line 3: quality is 'maybe'; "
        "write 1 (good) or 0 (bad), empty (not labelled yet) or skip"
    ]


def test_export_writes_a_trainable_labelled_set(tmp_path, dcgan):
    from ohlora.classifiers.labels import read_labels
    from ohlora.studio.label_sheet import LabelSheet

    run = tmp_path / "run"
    sheet = LabelSheet.open(run / "labels.csv", np.arange(100, 105))
    for i, keys in enumerate(["wg", "mb", "s", "w", "mg"]):
        for k in keys:
            sheet.press(i, k)
    res = _ohlora("label", "export", "--run", run, "--out", tmp_path / "set")
    assert res.returncode == 0, res.stderr
    exported = read_labels(tmp_path / "set" / "labels.csv")
    assert exported.gender.tolist() == [1, 0, 0] and exported.quality.tolist() == [1, 0, 1]
    want = dcgan.latents_for_seeds([100, 101, 104])
    assert np.array_equal(exported.latents, want)
    res = _ohlora("label", "export", "--run", run, "--out", tmp_path / "all", "--with-shipped")
    assert res.returncode == 0, res.stderr
    assert len(read_labels(tmp_path / "all" / "labels.csv")) == 259
