"""The sample store: shards, finalisation, and surviving a real SIGKILL mid-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from ohlora.errors import OhloraError
from ohlora.sampling.local import sample
from ohlora.sampling.params import SampleParams
from ohlora.store.samples import load_samples, shard_files


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ohlora", *args]


def _content(run: Path) -> dict[str, np.ndarray]:
    s = load_samples(run)
    return {
        "index": s.index,
        "seed": s.seed,
        "z": s.z,
        "raw": s.raw,
        "found": s.found,
        "normalised": s.normalised,
    }


@pytest.mark.slow
def test_sigkill_mid_run_then_resume_equals_uninterrupted(tmp_path):
    args = ["sample", "--n", "120", "--shard-size", "20", "--workers", "0"]
    ref = tmp_path / "ref"
    subprocess.run(_cli(*args, "--run", str(ref)), check=True, capture_output=True)

    run = tmp_path / "killed"
    proc = subprocess.Popen(
        _cli(*args, "--run", str(run)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline and len(shard_files(run)) < 2:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(shard_files(run))
    assert 2 <= done_before < 6, "the kill must land mid-run"

    res = subprocess.run(_cli(*args, "--run", str(run)), capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    a, b = _content(ref), _content(run)
    assert len(a["index"]) == len(b["index"]) == 120
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def test_other_arguments_refuse_to_mix(tmp_path, monkeypatch):
    run = tmp_path / "r"
    p = SampleParams(generator="dcgan-digiface-64", n=20, seed=0, shard_size=10, scorer="mesh")
    s = sample(run, p, workers=0)
    assert len(s) == 20 and s.normalised is not None
    with pytest.raises(OhloraError, match="sampled with other seed"):
        sample(run, SampleParams(**{**p.__dict__, "seed": 5}), workers=0)
    # growing n continues the same run
    s2 = sample(run, SampleParams(**{**p.__dict__, "n": 30}), workers=0)
    assert len(s2) == 30 and np.array_equal(s2.z[:20], s.z)


def test_no_face_rows_are_nan_never_zero(tmp_path):
    run = tmp_path / "r"
    s = sample(
        run,
        SampleParams(generator="dcgan-digiface-64", n=40, seed=0, shard_size=40, scorer="mesh"),
        workers=0,
    )
    assert s.found.mean() > 0.7
    assert np.isnan(s.raw[~s.found]).all()
    assert np.isfinite(s.raw[s.found][:, s.columns.index("landmark.eyes")]).all()
    norm = s.normalised[s.found][:, s.columns.index("landmark.eyes")]
    assert abs(norm.mean()) < 1e-4 and abs(norm.std() - 1) < 1e-3


def test_a_smaller_n_is_refused_unless_shrink_which_equals_a_fresh_run(tmp_path):
    p = SampleParams(generator="dcgan-digiface-64", n=30, seed=0, shard_size=30, scorer="mesh")
    sample(tmp_path / "r", p, workers=0)
    small = SampleParams(**{**p.__dict__, "n": 12})
    with pytest.raises(OhloraError, match="already holds 30 rows, more than --n 12"):
        sample(tmp_path / "r", small, workers=0)
    assert len(load_samples(tmp_path / "r")) == 30  # nothing deleted
    a = _content_of(sample(tmp_path / "r", small, workers=0, shrink=True))
    b = _content_of(sample(tmp_path / "fresh", small, workers=0))
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def _content_of(s) -> dict[str, np.ndarray]:
    return {"z": s.z, "raw": s.raw, "found": s.found, "normalised": s.normalised}


def test_rows_inside_a_shard_are_flushed_and_resumed(tmp_path, monkeypatch):
    """A kill inside a big shard keeps the flushed chunks; the rerun continues from them and
    ends equal to an uninterrupted run."""
    from ohlora.sampling import shards

    monkeypatch.setattr(shards, "CHUNK", 10)
    p = SampleParams(generator="dcgan-digiface-64", n=40, seed=3, shard_size=40, scorer="mesh")
    calls = []
    real = shards._compute_rows

    def dying(gen, scorer, params, lo, hi):
        if lo == 30:
            raise KeyboardInterrupt  # the kill, after three chunks
        calls.append(lo)
        return real(gen, scorer, params, lo, hi)

    monkeypatch.setattr(shards, "_compute_rows", dying)
    monkeypatch.setattr(shards, "FLUSH_SECONDS", 0.0)
    with pytest.raises(KeyboardInterrupt):
        sample(tmp_path / "k", p, workers=0)
    assert shard_files(tmp_path / "k") == [] and calls == [0, 10, 20]
    monkeypatch.setattr(shards, "_compute_rows", real)
    calls.clear()
    monkeypatch.setattr(shards, "_compute_rows", lambda *a: calls.append(a[3]) or real(*a))
    killed = _content_of(sample(tmp_path / "k", p, workers=0))
    assert calls == [30]  # only the chunk that was lost is computed again
    fresh = _content_of(sample(tmp_path / "f", p, workers=0))
    for k in fresh:
        np.testing.assert_array_equal(killed[k], fresh[k], err_msg=k)
    assert not list((tmp_path / "k" / "samples").glob("partial-*"))
