"""Score columns and the property -> column map."""

from __future__ import annotations

import pytest

from ohlora.errors import OhloraError
from ohlora.properties.columns import COLUMNS, PROPERTIES, resolve


def test_columns_fixed_order():
    assert PROPERTIES == (
        "eyes",
        "mouth",
        "pose",
        "hair_color",
        "hair_length",
        "background_mean",
        "background_std",
    )
    assert len(COLUMNS) == len(set(COLUMNS)) == 17
    assert COLUMNS[:7] == [f"alg1.{p}" for p in PROPERTIES]
    assert COLUMNS[7:14] == [f"alg2.{p}" for p in PROPERTIES]
    assert COLUMNS[14:] == ["landmark.eyes", "landmark.mouth", "landmark.pose"]


def test_resolve():
    assert resolve("1") == {p: f"alg1.{p}" for p in PROPERTIES}
    assert resolve("2") == {p: f"alg2.{p}" for p in PROPERTIES}
    lm = resolve("landmark")
    assert list(lm) == list(PROPERTIES)
    assert lm["eyes"] == "landmark.eyes" and lm["pose"] == "landmark.pose"
    assert lm["mouth"] == "landmark.mouth" and lm["hair_color"] == "alg2.hair_color"
    assert set(lm.values()) <= set(COLUMNS)
    with pytest.raises(OhloraError, match="use 1, 2 or landmark"):
        resolve("3")
