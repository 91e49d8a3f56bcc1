"""`classify`: store annotation equals direct predictions, resumes, and the filter picks rows."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.classifiers.classify import classify_run, shares
from ohlora.classifiers.ensemble import GenderQuality
from ohlora.errors import OhloraError
from ohlora.store import samples as store
from ohlora.store.filter import filter_mask
from ohlora.store.rundir import RunDir
from tests.classifiers.models import random_model

N = 40


@pytest.fixture
def run(tmp_path, dcgan):
    """A run whose store has N rows (seeds 500..) and random-weight classifiers."""
    run = tmp_path / "run"
    seeds = np.arange(500, 500 + N, dtype=np.int64)
    RunDir(run).record_stage(
        "sample",
        {"generator": "dcgan-digiface-64", "n": N, "seed": 500, "shard_size": 25, "scorer": "x"},
    )
    for j, (lo, hi) in enumerate(((0, 25), (25, N))):
        store.write_npz(
            store.shard_path(run, j),
            {
                "index": np.arange(lo, hi, dtype=np.int64),
                "seed": seeds[lo:hi],
                "z": dcgan.latents_for_seeds(seeds[lo:hi].tolist()),
                "raw": np.zeros((hi - lo, 1), np.float32),
                "found": np.ones(hi - lo, bool),
                "columns": np.array(["eyes_raw"]),
                "normalised": np.zeros((hi - lo, 1), np.float32),
            },
        )
    random_model("gender", "whole", seed=11).save(run / "classifiers")
    random_model("quality", "top-centre", seed=12).save(run / "classifiers")
    return run


def _direct(run, dcgan) -> dict[str, np.ndarray]:
    images = dcgan.synthesize(dcgan.latents_for_seeds(range(500, 500 + N)))
    return GenderQuality.load(run / "classifiers").predict(images)


def test_annotation_equals_direct_prediction_and_filter_selects_those_rows(run, dcgan):
    s = classify_run(run, chunk=16)
    want = _direct(run, dcgan)
    assert np.allclose(s.column("gender"), want["gender"], atol=1e-6)
    assert np.allclose(s.column("quality"), want["quality"], atol=1e-6)
    # thresholds at the medians, so that the filter keeps some rows and drops others
    tg, tq = np.median(want["gender"]), np.median(want["quality"])
    expr = f"gender>={tg:.6f},quality<{tq:.6f}"
    mask = filter_mask(s, expr)
    expected = (want["gender"] >= float(f"{tg:.6f}")) & (want["quality"] < float(f"{tq:.6f}"))
    assert 0 < expected.sum() < N
    assert np.array_equal(mask, expected)
    sh = shares(s.column("gender"), s.column("quality"), mask)
    assert sh["before"]["rows"] == N and sh["after"]["rows"] == expected.sum()
    assert sh["after"]["good"] == np.mean(want["quality"][expected] >= 0.5)
    assert sh["before"]["women"] == np.mean(want["gender"] >= 0.5)


def test_a_killed_classify_keeps_finished_chunks_and_resumes(run, dcgan, monkeypatch):
    real = type(dcgan).synthesize
    calls = {"n": 0}

    def dying(self, latents, space="z"):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, latents, space)

    monkeypatch.setattr(type(dcgan), "synthesize", dying)
    with pytest.raises(KeyboardInterrupt):
        classify_run(run, chunk=16)
    kept = store.read_npz(run / "annotations" / "classify.npz")
    assert sorted(kept["index"].tolist()) == list(range(32))

    monkeypatch.setattr(type(dcgan), "synthesize", real)
    done: list[int] = []
    s = classify_run(run, chunk=16, on_progress=done.append)
    assert done == [32, 8]  # only the last 8 rows were computed again
    want = _direct(run, dcgan)
    assert np.allclose(s.column("gender"), want["gender"], atol=1e-6)


def test_retrained_classifiers_start_the_annotation_over(run, dcgan):
    classify_run(run, chunk=64)
    random_model("gender", "whole", seed=99).save(run / "classifiers")
    done: list[int] = []
    s = classify_run(run, chunk=64, on_progress=done.append)
    assert done == [N]
    assert np.allclose(s.column("gender"), _direct(run, dcgan)["gender"], atol=1e-6)


def test_classifiers_of_another_generator_are_refused(run):
    for task, area in (("gender", "whole"), ("quality", "top-centre")):
        m = random_model(task, area, seed=1)
        m.generator = "stylegan-celeba-partial-256"
        m.save(run / "classifiers")
    with pytest.raises(OhloraError, match="trained on stylegan-celeba-partial-256"):
        classify_run(run)
