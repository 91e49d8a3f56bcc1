"""`evaluate --filter`: the run's classifiers accept or reject fresh base faces."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.classifiers.ensemble import GenderQuality
from ohlora.errors import OhloraError
from ohlora.evaluate.accept import accept_by_filter
from tests.classifiers.models import random_model


@pytest.fixture
def run(tmp_path):
    random_model("gender", "whole", seed=21).save(tmp_path / "classifiers")
    random_model("quality", "top-centre", seed=22).save(tmp_path / "classifiers")
    return tmp_path


def test_mask_follows_the_classifiers_on_the_images(run, dcgan):
    lat = dcgan.sample_latents(24, seed=10**9)
    images = dcgan.synthesize(lat)
    p = GenderQuality.load(run / "classifiers").predict(images)
    tg, tq = float(np.median(p["gender"])), float(np.median(p["quality"]))
    accept = accept_by_filter(run, f"gender>={tg!r},quality<={tq!r}")
    got = accept(lat, images)
    want = (p["gender"] >= tg) & (p["quality"] <= tq)
    assert got.dtype == bool and 0 < want.sum() < 24
    assert np.array_equal(got, want)
    only_gender = accept_by_filter(run, f"gender<{tg!r}")(lat, images)
    assert np.array_equal(only_gender, p["gender"] < tg)


def test_other_columns_and_missing_classifiers_are_clear_errors(run, tmp_path):
    with pytest.raises(OhloraError, match=r"only use gender and quality.*not eyes"):
        accept_by_filter(run, "gender>=0.5,eyes>0")
    with pytest.raises(OhloraError, match="cannot read filter condition"):
        accept_by_filter(run, "gender=>0.5")
    with pytest.raises(OhloraError, match="no trained gender classifier"):
        accept_by_filter(tmp_path / "elsewhere", "gender>=0.5")
