"""Population figures of a generation test: classifier shares over every produced face,
diversity between the cases' base faces, faces found by the judge."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.classifiers.ensemble import GenderQuality
from ohlora.evaluate.population import (
    Classifiers,
    mean_pairwise_distance,
    population_line,
    summarise_population,
)
from tests.classifiers.models import random_model


def test_mean_pairwise_distance_is_over_distinct_pairs():
    # a 3-4-5 triangle: pair distances 3, 4, 5
    d = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 4.0]])
    assert mean_pairwise_distance(d) == pytest.approx(4.0)
    assert np.isnan(mean_pairwise_distance(d[:1]))


def test_shares_count_every_produced_face_at_half(tmp_path, dcgan):
    # seed 28: random networks whose probabilities straddle 0.5 on these faces
    random_model("gender", "whole", seed=28).save(tmp_path / "classifiers")
    random_model("quality", "top-centre", seed=28).save(tmp_path / "classifiers")
    images = dcgan.synthesize(dcgan.sample_latents(30, seed=10**9))
    cases = [images[:10], images[10:30]]  # cases of unequal size: shares are per face
    p = GenderQuality.load(tmp_path / "classifiers").predict(images)
    women, good = (p["gender"] >= 0.5).mean(), (p["quality"] >= 0.5).mean()
    assert 0 < women < 1 and 0 < good < 1  # the random classifiers split these faces
    desc = [np.zeros(128, np.float32), None]  # None: no dlib judge
    pop = summarise_population(cases, [9, 20], desc, Classifiers.for_run(tmp_path), [True, True])
    assert pop["women_share"] == pytest.approx(women)
    assert pop["good_quality_share"] == pytest.approx(good)
    assert pop["faces"] == 30 and pop["faces_found"] == 29
    assert pop["faces_found_share"] == pytest.approx(29 / 30)
    assert np.isnan(pop["diversity"]) and pop["diversity_faces"] == 1
    assert pop["diversity_detected"] == 1
    assert pop["notes"] == ["diversity needs the dlib judge and two cases"]
    line = population_line(pop)
    assert f"women {100 * women:.1f}%" in line and "faces found 96.7%" in line


def test_missing_or_mismatched_classifiers_are_skipped_with_a_note(tmp_path):
    images = np.zeros((4, 32, 32, 3), np.uint8)
    desc = [np.zeros(128), np.full(128, 0.1)]
    none = Classifiers.for_run(tmp_path)
    pop = summarise_population([images[:2], images[2:]], [2, 2], desc, none)
    assert "women_share" not in pop and "good_quality_share" not in pop
    assert len(pop["notes"]) == 2 and "no gender classifier" in pop["notes"][0]
    assert pop["diversity"] == pytest.approx(np.sqrt(128) * 0.1)
    random_model("gender", "whole", seed=21).save(tmp_path / "classifiers")
    only_gender = Classifiers.for_run(tmp_path)  # 64 px classifier, 32 px faces
    pop = summarise_population([images], [4], [None], only_gender)
    assert "women_share" not in pop
    assert any("reads 64 px faces" in n for n in pop["notes"])
    assert any("no quality classifier" in n for n in pop["notes"])
