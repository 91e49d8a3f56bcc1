"""Saved directions: a round trip, and folders from before the model-folder format."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.errors import OhloraError
from tests.planted import (
    find_planted,
)


@pytest.fixture(scope="module")
def planted():
    return find_planted()


def test_save_load_round_trip(planted, tmp_path):
    from ohlora.vectorfind.directions import Directions

    _, d, _ = planted
    d.save(tmp_path)
    back = Directions.load(tmp_path)
    np.testing.assert_array_equal(back.sets["all"].vectors, d.sets["all"].vectors)
    np.testing.assert_array_equal(back.sets["all"].response_b, d.sets["all"].response_b)
    assert back.steered == d.steered and back.latent_shape == d.latent_shape


def test_directions_saved_before_the_model_folder_format_load(planted, tmp_path):
    import json

    from ohlora.vectorfind.directions import Directions

    _, d, _ = planted
    d.save(tmp_path)
    meta_path = tmp_path / "directions.json"
    meta = json.loads(meta_path.read_text())
    for key in ("format", "model_file", "model_sha256", "ohlora_version", "checksum"):
        meta.pop(key)  # the old layout had no digest
    meta_path.write_text(json.dumps(meta))
    back = Directions.load(tmp_path)
    np.testing.assert_array_equal(back.sets["all"].vectors, d.sets["all"].vectors)
    d.save(tmp_path)  # a new save records the digest: altered vectors are refused
    data = bytearray((tmp_path / "directions.safetensors").read_bytes())
    data[-1] ^= 0xFF
    (tmp_path / "directions.safetensors").write_bytes(bytes(data))
    with pytest.raises(OhloraError, match="does not match the sha256"):
        Directions.load(tmp_path)
