"""Streamed direction finding (latents read from the store shard by shard) equals the
in-memory one; the SGD hinge solver finds the planted directions and agrees with LinearSVC."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.store import samples as store
from ohlora.vectorfind.find import find_directions
from ohlora.vectorfind.latents import InMemory, Stored, project
from tests.planted import COLS, PlantedGenerator, planted_samples

GROUPS = ["hair_color", "hair_length"]


def _find(s, gen, **kw):
    return find_directions(
        s, gen, space="z", steered=["eyes", "mouth", "pose"], kept=[], k=0.2,
        algorithm="planted", property_columns=COLS, normalisation={}, group_by=GROUPS, **kw,
    )  # fmt: skip


@pytest.fixture(scope="module")
def planted_store(tmp_path_factory):
    """2,000 planted faces written as a real store of uneven shards (700 rows each)."""
    gen = PlantedGenerator()
    s = planted_samples(gen, 2000)
    run = tmp_path_factory.mktemp("planted") / "run"
    for j, lo in enumerate(range(0, 2000, 700)):
        rows = slice(lo, lo + 700)
        store.write_npz(
            store.shard_path(run, j),
            {"index": s.index[rows], "seed": s.seed[rows], "z": s.z[rows], "raw": s.raw[rows],
             "found": s.found[rows], "columns": np.array(s.columns),
             "normalised": s.normalised[rows]},
        )  # fmt: skip
    return gen, s, run


def test_streamed_directions_equal_the_in_memory_ones(planted_store):
    gen, s, run = planted_store
    lean = store.load_samples(run, latents=False)
    assert lean.z.shape == (2000, 0)
    mem, w1 = _find(s, gen)
    streamed, w2 = _find(lean, gen, stream_from=run)
    assert w1 == w2 and set(mem.sets) == set(streamed.sets) == {"all", "hh", "hl", "lh", "ll"}
    for g in mem.sets:
        a, b = mem.sets[g], streamed.sets[g]
        np.testing.assert_array_equal(a.vectors, b.vectors, err_msg=g)
        np.testing.assert_allclose(a.response_b, b.response_b, atol=1e-6, err_msg=g)
        np.testing.assert_allclose(a.response_c, b.response_c, atol=1e-6, err_msg=g)
        for p in a.names:
            for key in ("corr_projection_score", "proj_mean", "proj_std", "val_accuracy"):
                assert np.isclose(a.stats[p][key], b.stats[p][key], atol=1e-6), (g, p, key)


def test_stored_latents_take_and_pass_in_row_order(planted_store):
    _, s, run = planted_store
    rows = np.array([3, 699, 700, 1400, 1999])
    x = Stored(run, rows, lambda z: z)
    np.testing.assert_array_equal(x.take(np.array([4, 0, 2])), s.z[[1999, 3, 700]])
    v = np.arange(s.z.shape[1], dtype=np.float32)
    np.testing.assert_allclose(project(x, v), s.z[rows] @ v, rtol=1e-6)
    np.testing.assert_array_equal(
        x.subset(np.array([1, 3])).take(np.array([0, 1])), s.z[[699, 1400]]
    )
    np.testing.assert_allclose(project(InMemory(s.z), v), s.z @ v, rtol=1e-6)


def test_the_sgd_solver_finds_the_planted_directions_like_linearsvc(planted_store):
    gen, s, run = planted_store
    lean = store.load_samples(run, latents=False)
    svc, _ = _find(s, gen)
    for d in (_find(s, gen, solver="sgd")[0], _find(lean, gen, solver="sgd", stream_from=run)[0]):
        for i, p in enumerate(["eyes", "mouth", "pose"]):
            a, b = svc.sets["all"], d.sets["all"]
            assert float(b.vector(p) @ gen.directions[i]) > 0.97, p
            assert float(b.vector(p) @ a.vector(p)) > 0.97, p
            assert (
                abs(b.stats[p]["corr_projection_score"] - a.stats[p]["corr_projection_score"])
                < 0.02
            )
            assert b.stats[p]["val_accuracy"] > 0.9
