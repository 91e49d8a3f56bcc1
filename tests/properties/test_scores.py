"""Every raw score column of a real face: the three algorithms agree where they should."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.properties.columns import COLUMNS
from ohlora.properties.scores import score_analysis


@pytest.mark.slow
def test_algorithms_agree_on_real_faces(real_analyses):
    raw = np.stack([score_analysis(a) for a in real_analyses])
    found = np.array([a.found for a in real_analyses])
    raw = raw[found]

    def corr(a, b):
        x, y = raw[:, COLUMNS.index(a)], raw[:, COLUMNS.index(b)]
        ok = np.isfinite(x) & np.isfinite(y)
        return np.corrcoef(x[ok], y[ok])[0, 1]

    assert corr("landmark.eyes", "alg2.eyes") > 0.7
    assert corr("alg1.eyes", "alg2.eyes") > 0.9
    assert corr("landmark.mouth", "alg2.mouth") > 0.7
    assert corr("landmark.mouth", "alg1.mouth") > 0.7
    assert corr("landmark.pose", "alg1.pose") > 0.2  # same sign convention
    assert corr("alg1.background_mean", "alg2.background_mean") == pytest.approx(1.0)
