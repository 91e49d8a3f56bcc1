"""Gaussian normalisation: the spec's example, NaN handling, inversion, JSON round trip."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ohlora.errors import OhloraError
from ohlora.properties.normalise import Normalisation


def test_spec_example():
    raw = np.array([[100, 250, 120, 180, 210]], float).T
    norm = Normalisation.fit(raw, ["eyes"])
    z = norm.apply(raw).ravel()
    np.testing.assert_allclose(z, [-1.294, 1.402, -0.935, 0.144, 0.683], atol=5e-4)
    assert norm.std[0] == pytest.approx(np.std([100, 250, 120, 180, 210]))  # ddof = 0


def test_nan_aware_fit_apply_invert():
    rng = np.random.default_rng(0)
    raw = rng.normal([5.0, -2.0, 100.0], [1.0, 3.0, 20.0], size=(200, 3))
    raw[::7, 1] = np.nan
    norm = Normalisation.fit(raw, ["a", "b", "c"])
    assert norm.count.tolist() == [200, 200 - len(range(0, 200, 7)), 200]
    z = norm.apply(raw)
    assert np.isnan(z[::7, 1]).all() and np.isfinite(z[:, [0, 2]]).all()
    np.testing.assert_allclose(np.nanmean(z, axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(np.nanstd(z, axis=0), 1, atol=1e-12)
    np.testing.assert_allclose(norm.invert(z), raw, rtol=1e-12)
    # a subset of columns, in another order
    np.testing.assert_allclose(norm.apply(raw[:, [2, 0]], ["c", "a"]), z[:, [2, 0]])
    with pytest.raises(OhloraError, match="no normalisation statistics for d"):
        norm.apply(raw[:, :1], ["d"])


def test_degenerate_columns_become_nan_not_errors():
    raw = np.array([[1.0, 3.0, np.nan], [2.0, 3.0, np.nan], [4.0, 3.0, 1.0]])
    norm = Normalisation.fit(raw, ["ok", "flat", "rare"])
    assert norm.unusable == ["flat", "rare"]
    z = norm.apply(raw)
    assert np.isfinite(z[:, 0]).all() and np.isnan(z[:, 1:]).all()


def test_json_round_trip(tmp_path):
    raw = np.random.default_rng(1).normal(size=(50, 2))
    raw[:, 1] = 7.0  # flat: saved as null
    norm = Normalisation.fit(raw, ["x", "flat"])
    path = tmp_path / "n" / "normalisation.json"
    norm.save(path)
    data = json.loads(path.read_text())
    assert [c["column"] for c in data["columns"]] == ["x", "flat"]
    assert data["columns"][1]["std"] is None
    back = Normalisation.load(path)
    assert back.columns == norm.columns
    np.testing.assert_array_equal(back.mean, norm.mean)
    np.testing.assert_array_equal(back.std, norm.std)
    np.testing.assert_array_equal(back.apply(raw), norm.apply(raw))


def test_bad_input_is_a_clear_error(tmp_path):
    with pytest.raises(OhloraError, match="N x 2"):
        Normalisation.fit(np.zeros((4, 3)), ["a", "b"])
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    with pytest.raises(OhloraError, match="not an ohlora normalisation file"):
        Normalisation.load(bad)
    with pytest.raises(OhloraError, match="does not exist"):
        Normalisation.load(tmp_path / "missing.json")
