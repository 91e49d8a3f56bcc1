"""The evaluation's corr / MAE / pass arithmetic on hand-made cases."""

from __future__ import annotations

import numpy as np

from ohlora.evaluate.metrics import score_case, summarise
from ohlora.evaluate.protocols import V3, V7


def test_grids_have_50_combinations():
    assert V7.grid().shape == (50, 3) and V3.grid().shape == (50, 3)
    assert V3.pose == (-2.4, -1.2, 0.0, 1.2, 2.4)  # centred on the population mean
    assert sorted(set(V7.grid()[:, 1])) == [-1.8, -0.9, 0.0, 0.9, 1.8]


def test_hand_made_case():
    asked = np.array([[-1, 0, 0], [0, 1, 1], [1, 2, 2], [2, 3, 4]], float)
    # eyes measured exactly; mouth shifted by +0.5 (corr 1, MAE 0.5); pose reversed.
    measured = asked.copy()
    measured[:, 1] += 0.5
    measured[:, 2] = asked[::-1, 2]
    r = score_case(asked, measured)
    assert np.isclose(r.corr["eyes"], 1.0) and np.isclose(r.mae["eyes"], 0.0)
    assert np.isclose(r.corr["mouth"], 1.0) and np.isclose(r.mae["mouth"], 0.5)
    # pose: asked [0,1,2,4] vs [4,2,1,0]: corr computed by hand.
    a, m = np.array([0, 1, 2, 4.0]), np.array([4, 2, 1, 0.0])
    expected = ((a - a.mean()) * (m - m.mean())).sum() / np.sqrt(
        ((a - a.mean()) ** 2).sum() * ((m - m.mean()) ** 2).sum()
    )
    assert np.isclose(r.corr["pose"], expected) and expected < -0.9
    assert np.isclose(r.mae["pose"], np.mean(np.abs(a - m)))
    # v7 uses |corr| (all >= thresholds) -> pass; v3 needs positive pose corr -> fail.
    assert r.pass_v7 and not r.pass_v3


def test_v3_mae_rule():
    asked = V3.grid()
    measured = asked.copy()
    measured[:, 1] += 0.59  # mouth MAE 0.59 <= 0.6 passes
    assert score_case(asked, measured).pass_v3
    measured[:, 1] += 0.02  # 0.61 fails
    assert not score_case(asked, measured).pass_v3


def test_lost_faces_excluded_and_too_many_fail():
    asked = V7.grid()
    measured = asked.copy()
    measured[:5] = np.nan  # 45 / 50 valid: still counts
    r = score_case(asked, measured)
    assert r.valid == 45 and r.pass_v7
    measured[:11] = np.nan  # 39 / 50 < 80%: fails
    assert not score_case(asked, measured).pass_v7


def test_summary_counts():
    asked = V7.grid()
    good = score_case(asked, asked)
    noisy = score_case(asked, asked + np.random.default_rng(0).normal(0, 3, asked.shape))
    s = summarise([good, noisy, good])
    assert s["passed_v7"] == 2 and s["cases"] == 3
    assert np.isclose(s["mean_corr"]["eyes"], (2 + noisy.corr["eyes"]) / 3)
