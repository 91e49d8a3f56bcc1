"""The identity condition: which latent moves change the person, and directions bent off them."""

from __future__ import annotations

import shutil
from dataclasses import replace

import numpy as np
import pytest

from ohlora.errors import OhloraError
from ohlora.vectorfind import identity
from ohlora.vectorfind.identity import (
    hold_identity,
    identity_condition,
    identity_loading,
    identity_metric,
    linear_responses,
    run_descriptors,
)
from ohlora.vectorfind.params import FindParams
from ohlora.vectorfind.pipeline import find_for_run

D = 12


def _planted(n: int = 3000):
    """Latents whose dims 0-2 decide who the face is, dim 5 a steered property's score; the
    descriptor reads both (the property's look is not the person)."""
    rng = np.random.default_rng(0)
    z = rng.standard_normal((n, D))
    score = z[:, [5]]
    mix = rng.standard_normal((4, 16))
    desc = np.concatenate([z[:, :3], 2 * score], 1) @ mix + 0.05 * rng.standard_normal((n, 16))
    return z, desc, score


def _unit(i: int) -> np.ndarray:
    return np.eye(D)[i]


def test_the_metric_finds_the_moves_that_change_the_person_not_the_steered_property():
    m = identity_metric(*_planted())
    assert m.shape == (D, D) and np.linalg.eigvalsh(m)[-1] == pytest.approx(1.0)
    for i in range(3):
        assert identity_loading(_unit(i), m) > 0.1, i
    assert identity_loading(_unit(5), m) < 0.01  # the property's own look is regressed out
    assert identity_loading(_unit(8), m) < 0.01


def test_a_held_direction_moves_the_person_less_and_still_steers():
    m = identity_metric(*_planted())
    u = (_unit(5) + _unit(0)) / np.sqrt(2)  # leans on who the face is
    v = hold_identity(u, m, 0.03)
    assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-6)
    assert identity_loading(v, m) < identity_loading(u, m) / 10
    assert v @ _unit(5) > 0.9  # what is left is the property's own move
    assert hold_identity(u, m, 1e4) @ u == pytest.approx(1.0, abs=1e-3)  # strong: as found
    assert hold_identity(-u, m, 0.03) @ -u > 0  # same side as the direction
    with pytest.raises(OhloraError, match="strength must be > 0"):
        hold_identity(u, m, 0.0)
    with pytest.raises(OhloraError, match="--identity-faces 120"):
        identity_metric(*(a[:100] for a in _planted()))  # ten faces per dimension at least


def test_a_held_direction_can_keep_its_cross_talk_as_found():
    m = identity_metric(*_planted())
    rng = np.random.default_rng(1)
    b = rng.standard_normal((3, D))  # three steered properties' linear responses
    u = (_unit(5) + _unit(0)) / np.sqrt(2)
    free = hold_identity(u, m, 0.03)
    kept = hold_identity(u, m, 0.03, responses=b, own=1)
    # the other properties move in the same proportion to this one as along u
    np.testing.assert_allclose((b @ kept) / (b[1] @ kept), (b @ u) / (b[1] @ u), rtol=1e-6)
    assert not np.allclose((b @ free) / (b[1] @ free), (b @ u) / (b[1] @ u), rtol=1e-2)
    assert identity_loading(kept, m) < identity_loading(u, m) / 2  # still off the person
    assert np.linalg.norm(kept) == pytest.approx(1.0, abs=1e-6) and kept @ u > 0


def test_the_linear_responses_are_the_scores_slopes():
    rng = np.random.default_rng(2)
    z = rng.standard_normal((4000, D))
    slopes = rng.standard_normal((2, D))
    y = z @ slopes.T + 0.01 * rng.standard_normal((4000, 2)) + 3.0
    np.testing.assert_allclose(linear_responses(z, y), slopes, atol=0.01)


def test_the_condition_bends_only_the_held_names_and_records_their_loading():
    m = identity_metric(*_planted())
    record: dict = {}
    cond = identity_condition(m, 0.03, ["eyes"], record)
    u = (_unit(5) + _unit(0)) / np.sqrt(2)
    assert np.array_equal(cond("pose", u), u)
    v = cond("eyes", u)
    assert record["loading"]["eyes"][1] < record["loading"]["eyes"][0] / 10
    assert "pose" not in record["loading"]
    assert np.allclose(v, hold_identity(u, m, 0.03))
    b = np.random.default_rng(1).standard_normal((2, D))
    keeping = identity_condition(m, 0.03, ["eyes"], {}, {"eyes": b[0], "pose": b[1]})
    w = keeping("eyes", u)  # its pose slope per unit of its own, as along u
    assert (b[1] @ w) / (b[0] @ w) == pytest.approx((b[1] @ u) / (b[0] @ u), rel=1e-6)


def _fake_describe(calls, opened=None):
    opened = [] if opened is None else opened

    def describe(generator, latents, on_progress=None, batch=64, tools=None):
        calls.append(len(latents))
        opened.append(tools)
        if on_progress:
            on_progress(len(latents))
        return np.repeat(latents[:, :1], 4, 1).astype(np.float32)

    return describe


class _Gen:
    name = "planted"


def test_descriptors_are_kept_per_row_and_a_killed_run_resumes(tmp_path, monkeypatch):
    calls: list[int] = []
    tools: list[identity.DescribeTools] = []
    monkeypatch.setattr(identity, "describe_faces", _fake_describe(calls, tools))
    z = np.arange(20, dtype=np.float32)[:, None] * np.ones((1, 3), np.float32)
    rows = np.arange(100, 120)
    first = run_descriptors(tmp_path, _Gen(), rows[:10], z[:10], chunk=4)
    assert calls == [4, 4, 2] and np.array_equal(first[:, 0], z[:10, 0])
    # one network and one analyser for every chunk, not opened again per chunk
    assert isinstance(tools[0], identity.DescribeTools) and all(t is tools[0] for t in tools)
    again = run_descriptors(tmp_path, _Gen(), rows[5:15], z[5:15], chunk=4)
    assert calls[3:] == [4, 1]  # rows 110..114 only
    assert np.array_equal(again[:, 0], z[5:15, 0])

    def dies(generator, latents, on_progress=None, batch=64, tools=None):
        if len(calls) > 5:
            raise KeyboardInterrupt
        return _fake_describe(calls)(generator, latents, on_progress, batch, tools)

    monkeypatch.setattr(identity, "describe_faces", dies)
    with pytest.raises(KeyboardInterrupt):
        run_descriptors(tmp_path, _Gen(), rows, z, chunk=2)  # 15, 16 kept; dies on 17
    monkeypatch.setattr(identity, "describe_faces", _fake_describe(calls))
    before = len(calls)
    out = run_descriptors(tmp_path, _Gen(), rows, z, chunk=8)
    assert calls[before:] == [3]  # only 117..119 were left
    assert np.array_equal(out[:, 0], z[:, 0])
    (tmp_path / identity.CACHE).write_bytes(b"PK\x03\x04 cut short")
    with pytest.raises(OhloraError, match="is damaged: delete it"):
        run_descriptors(tmp_path, _Gen(), rows, z)


def test_a_run_finds_identity_held_directions(small_run, tmp_path, monkeypatch):
    run = tmp_path / "run"
    shutil.copytree(small_run, run)  # the condition keeps descriptors in RUN/identity
    plain, _, _ = find_for_run(run, FindParams(condition="none"), save=False)
    # the plumbing on 200 of its faces (the real floor, 10 per dimension, wants 1,000)
    monkeypatch.setattr(identity, "MIN_FACES_PER_DIM", 2)
    p = FindParams(condition="identity", identity_faces=200)
    d, _, _ = find_for_run(run, p, save=False)
    rec = d.params["identity"]
    assert d.params["condition"] == ["identity"] and rec["faces"] >= 190
    assert rec["held"] == ["eyes", "mouth"]
    for name in ("eyes", "mouth"):
        before, after = rec["loading"][name]
        assert after < before, name
        v, u = d.sets["all"].vector(name), plain.sets["all"].vector(name)
        assert 0.5 < float(v @ u) < 0.9999, name
    assert np.array_equal(d.sets["all"].vector("pose"), plain.sets["all"].vector("pose"))

    def no_more(*a, **k):
        raise AssertionError("descriptors computed again")

    monkeypatch.setattr(identity, "describe_faces", no_more)
    again, _, _ = find_for_run(run, p, save=False)  # from RUN/identity's cache
    assert np.array_equal(again.sets["all"].vectors, d.sets["all"].vectors)
    # a store left on disk (--stream) reads the same faces' latents, shard by shard
    streamed, _, _ = find_for_run(run, replace(p, stream=True), save=False)
    cos = (streamed.sets["all"].vectors * d.sets["all"].vectors).sum(1)
    assert streamed.params["identity"]["faces"] == rec["faces"] and cos.min() > 0.999
    # a builder may hold the eyes alone: the mouth stays as found, the eyes as held before
    eyes, _, _ = find_for_run(run, replace(p, identity_held=("eyes",)), save=False)
    assert eyes.params["identity"]["held"] == ["eyes"]
    assert np.array_equal(eyes.sets["all"].vector("mouth"), plain.sets["all"].vector("mouth"))
    assert float(eyes.sets["all"].vector("eyes") @ d.sets["all"].vector("eyes")) > 0.99
    with pytest.raises(OhloraError, match="--identity-held hair_color: not steered"):
        find_for_run(run, replace(p, identity_held=("eyes", "hair_color")), save=False)


def test_a_run_too_small_for_the_condition_is_warned_not_refused(small_run, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(small_run, run)
    d, warnings, _ = find_for_run(run, FindParams(), save=False)  # 600 faces, about 570 usable
    assert (
        warnings and "identity condition skipped: " in warnings[0] and "needs 1000" in warnings[0]
    )
    assert d.params["condition"] == [] and "skipped" in d.params["identity"]
    assert not (run / identity.CACHE).exists()  # left out before any descriptor was made
    plain, _, _ = find_for_run(run, FindParams(condition="none"), save=False)
    assert np.array_equal(d.sets["all"].vectors, plain.sets["all"].vectors)
