"""Resuming a sample store: finished shards are never redone, a kill inside a shard's write
leaves no partial shard, and the rerun cleans up and completes the store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import ohlora
from ohlora import generators
from ohlora.sampling import local
from ohlora.sampling.params import SampleParams
from ohlora.sampling.shards import ShardJob, plan
from ohlora.store.samples import read_npz, shard_files, shard_path, write_npz
from tests.planted import PlantedGenerator, PlantedScorer

PARAMS = SampleParams(generator="planted", n=60, seed=100, shard_size=20, scorer="planted")


class CountingGenerator(PlantedGenerator):
    """The planted generator, counting the faces it synthesises."""

    def __init__(self) -> None:
        super().__init__()
        self.faces = 0

    def synthesize(self, latents: np.ndarray, space: str = "z") -> np.ndarray:
        self.faces += len(latents)
        return super().synthesize(latents, space)


@pytest.fixture
def counting(monkeypatch) -> CountingGenerator:
    gen = CountingGenerator()
    monkeypatch.setattr(generators, "load", lambda name: gen)
    monkeypatch.setattr(local, "make_scorer", lambda kind, workers, run: PlantedScorer())
    return gen


def _same(a, b) -> None:
    for k in ("index", "seed", "z", "raw", "found", "normalised"):
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k), err_msg=k)


def test_resume_redoes_only_missing_or_damaged_shards(tmp_path, counting):
    run = tmp_path / "r"
    first = local.sample(run, PARAMS, workers=0)
    assert counting.faces == 60 and len(first) == 60
    np.testing.assert_array_equal(first.seed, np.arange(100, 160))

    counting.faces = 0
    _same(local.sample(run, PARAMS, workers=0), first)
    assert counting.faces == 0, "a finished store must not be computed again"

    shard_path(run, 1).unlink()
    shard_path(run, 2).write_bytes(shard_path(run, 2).read_bytes()[:100])  # torn
    counting.faces = 0
    _same(local.sample(run, PARAMS, workers=0), first)
    assert counting.faces == 40


def test_growing_n_computes_only_the_new_rows(tmp_path, counting):
    run = tmp_path / "r"
    local.sample(run, PARAMS, workers=0)
    counting.faces = 0
    grown = local.sample(run, SampleParams(**{**PARAMS.__dict__, "n": 90}), workers=0)
    assert counting.faces == 30 and len(grown) == 90


def test_a_shard_with_too_few_rows_or_no_index_counts_as_unfinished(tmp_path, counting):
    run = tmp_path / "r"
    local.sample(run, PARAMS, workers=0)
    part = read_npz(shard_path(run, 1))
    write_npz(shard_path(run, 1), {k: v[:19] for k, v in part.items() if k != "columns"})
    write_npz(
        shard_path(run, 2), {k: v for k, v in read_npz(shard_path(run, 2)).items() if k != "index"}
    )
    assert plan(run, PARAMS) == [ShardJob(1, 20, 40), ShardJob(2, 40, 60)]


KILLED_WRITER = """
import resource, signal, sys
import numpy as np
from ohlora.sampling.shards import ShardJob, write_shard

run = sys.argv[1]
rows = {"index": np.arange(20), "z": np.random.default_rng(0).standard_normal((20, 512))}
write_shard(run, ShardJob(0, 0, 20), rows)
signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it; the kernel's default kills
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
write_shard(run, ShardJob(1, 20, 40), {**rows, "index": np.arange(20, 40)})
print("not killed")
"""


def test_a_kill_inside_a_shard_write_leaves_no_partial_shard(tmp_path):
    run = tmp_path / "r"
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(ohlora.__file__).parents[1]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    res = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KILLED_WRITER), str(run)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert res.returncode == -signal.SIGXFSZ, (res.returncode, res.stdout, res.stderr)
    assert [p.name for p in shard_files(run)] == ["shard-00000.npz"], "no partial shard-00001"
    stale = list((run / "samples").glob(".*.tmp-*"))
    assert len(stale) == 1 and 0 < stale[0].stat().st_size <= 4096
    todo = plan(run, SampleParams(**{**PARAMS.__dict__, "n": 40}))
    assert todo == [ShardJob(1, 20, 40)]
    assert not list((run / "samples").glob(".*.tmp-*")), "the rerun removes the stale temp file"
