"""`ohlora classify` end to end: train tiny classifiers, classify a store, filter it."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.store import samples as store
from ohlora.store.filter import filter_mask
from ohlora.store.rundir import RunDir
from tests.commands.cli import fake_store, run_ohlora


@pytest.mark.slow
def test_train_then_classify_prints_figures_and_filters(tmp_path, dcgan):
    run = tmp_path / "run"
    res = run_ohlora("train-classifiers", "--run", run, "--folds", "2", "--epochs", "1")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "accuracy" in out and "ROC AUC" in out and "majority" in out
    gender = next(line for line in out.splitlines() if line.strip().startswith("gender"))
    assert " 2000 " in gender and "0.615" in gender  # 1,229 / 2,000 men: the majority baseline
    quality = next(line for line in out.splitlines() if line.strip().startswith("quality"))
    assert "whole" in quality and "0.629" in quality  # 1,259 / 2,000 good
    for name in ("gender.safetensors", "gender.json", "quality.safetensors", "oof.csv"):
        assert (run / "classifiers" / name).is_file()
    assert "train-classifiers" in RunDir(run).config()

    fake_store(run, dcgan, 30)
    res = run_ohlora("classify", "--run", run, "--chunk", "8")
    assert res.returncode == 0, res.stderr
    assert f"30 rows of {run} classified" in res.stdout and "before: women" in res.stdout
    s = store.load_samples(run)
    g, q = s.column("gender"), s.column("quality")
    assert np.isfinite(g).all() and np.isfinite(q).all()
    mask = filter_mask(s, "gender>=0.5,quality>=0.5")
    assert np.array_equal(mask, (g >= 0.5) & (q >= 0.5))
    assert f"keeps {int(mask.sum())}" in res.stdout

    res = run_ohlora("classify", "--run", run, "--fresh", "20", "--seed", "0")
    assert res.returncode == 0, res.stderr
    # fresh seeds 0..19 are the store's first 20 rows: the same faces, the same verdicts
    assert f'filter "gender>=0.5,quality>=0.5" keeps {int(mask[:20].sum())}' in res.stdout

    res = run_ohlora("classify", "--run", run, "--filter", "eyes>0")
    assert res.returncode == 2 and "only use gender and quality" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
