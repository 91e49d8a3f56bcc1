"""Conditional directions: projected off the held attributes, found on the real embedded
generator's hand labels, recorded in the run's directions."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.classifiers.labels import shipped_label_sets
from ohlora.errors import OhloraError
from ohlora.vectorfind.condition import conditions_for, gender_direction, project_off
from ohlora.vectorfind.directions import load_directions
from ohlora.vectorfind.params import FindParams
from ohlora.vectorfind.pipeline import find_for_run
from tests.planted import PlantedGenerator, find_planted, planted_samples


def test_project_off_leaves_nothing_along_the_held_directions():
    rng = np.random.default_rng(0)
    held = rng.standard_normal((2, 12)).astype(np.float32)
    v = rng.standard_normal(12).astype(np.float32)
    out = project_off(v, held)
    np.testing.assert_allclose(held @ out, 0.0, atol=1e-5)
    assert np.linalg.norm(out) == pytest.approx(1.0, abs=1e-6)
    assert out @ v > 0  # the same direction, less what it shared with the held ones
    free = project_off(v, held)
    np.testing.assert_allclose(project_off(free, held), free, atol=1e-6)  # nothing left to take
    with pytest.raises(OhloraError, match="lies along a held attribute"):
        project_off(held[0] + 2 * held[1], held)


def test_conditions_by_generator_and_space(dcgan):
    assert conditions_for("gender", dcgan, "z") == ["gender"]
    assert conditions_for("none", dcgan, "z") == []
    assert conditions_for("none", PlantedGenerator(), "z") == []
    assert conditions_for("identity", PlantedGenerator(), "w") == ["identity"]  # any generator
    with pytest.raises(OhloraError, match="use --condition none"):
        conditions_for("gender", PlantedGenerator(), "z")  # no hand labels for it
    with pytest.raises(OhloraError, match="use --condition none"):
        conditions_for("gender", dcgan, "w")
    with pytest.raises(OhloraError, match="unknown condition"):
        conditions_for("age", dcgan, "z")


def test_gender_direction_separates_the_hand_labels(dcgan):
    u = gender_direction(dcgan)
    assert u.shape == (100,) and np.linalg.norm(u) == pytest.approx(1.0, abs=1e-5)
    z = np.concatenate([s.latents_for(dcgan) for s in shipped_label_sets()])
    y = np.concatenate([s.gender for s in shipped_label_sets()])
    ok = np.isfinite(y)
    score = z[ok] @ u
    # women (1) lie further along it than men (0); the labels are noisy at 64 px
    assert score[y[ok] == 1].mean() > score[y[ok] == 0].mean() + 0.5
    assert np.array_equal(u, gender_direction(dcgan))  # a fixed fit: the same every time


def test_found_directions_are_off_the_held_ones_with_their_statistics():
    gen = PlantedGenerator()
    s = planted_samples(gen, 2000)
    held = np.stack([(gen.directions[0] + gen.directions[3]) / np.sqrt(2)])  # leans on eyes
    _, free, _ = find_planted(gen, s)
    _, cond, _ = find_planted(gen, s, condition=lambda name, v: project_off(v, held))
    x = s.z
    for name in ("eyes", "mouth", "pose"):
        v = cond.sets["all"].vector(name)
        assert abs(float(held[0] @ v)) < 1e-5, name
        stats = cond.sets["all"].stats[name]
        assert stats["proj_mean"] == pytest.approx(float((x @ v).mean()), abs=1e-4)
        assert stats["proj_std"] == pytest.approx(float((x @ v).std()), rel=1e-4)
        assert float(v @ free.sets["all"].vector(name)) > 0.5
    assert abs(float(held[0] @ free.sets["all"].vector("eyes"))) > 0.5  # it did lean


def test_find_directions_for_a_run_conditions_on_gender_when_asked(small_run, dcgan):
    small = load_directions(small_run, None).params  # the default, left out on 600 faces
    assert small["condition"] == [] and "skipped" in small["identity"]
    d, _, _ = find_for_run(small_run, FindParams(condition="gender"), save=False)
    assert d.params["condition"] == ["gender"]
    cos = d.sets["all"].vectors @ gender_direction(dcgan)
    np.testing.assert_allclose(cos, 0.0, atol=1e-5)
