"""The one model-folder format: round trip, refusals, and folders written before it."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from ohlora.errors import OhloraError
from ohlora.modelfolder import ModelFolder, sha256_file


def test_round_trip_records_format_digest_and_version(tmp_path):
    mf = ModelFolder(tmp_path / "m")
    written = mf.save({"w": torch.arange(6.0).view(2, 3)}, {"size": 3}, kind="test/1")
    cfg = json.loads(mf.config_path.read_text())
    assert cfg == written
    assert cfg["format"] == "test/1" and cfg["model_file"] == "model.safetensors"
    assert cfg["model_sha256"] == sha256_file(mf.weights_path) and cfg["ohlora_version"]
    tensors, back = mf.load(kind="test/1", what="test model", remedy="save it again")
    assert torch.equal(tensors["w"], torch.arange(6.0).view(2, 3)) and back["size"] == 3


def test_numpy_arrays_round_trip(tmp_path):
    mf = ModelFolder.named(tmp_path, "vectors")
    mf.save({"v": np.ones((2, 2), np.float32)}, {}, kind="test/1")
    assert mf.weights_path.name == "vectors.safetensors"
    tensors, _ = mf.load(kind="test/1", what="test", remedy="again", framework="np")
    assert isinstance(tensors["v"], np.ndarray) and tensors["v"].sum() == 4


def test_mixed_missing_and_foreign_folders_are_one_line_errors(tmp_path):
    mf = ModelFolder(tmp_path)
    with pytest.raises(OhloraError, match=r"holds no test model .*: save it again"):
        mf.load(kind="test/1", what="test model", remedy="save it again")
    mf.save({"w": torch.zeros(4)}, {}, kind="test/1")
    with pytest.raises(OhloraError, match="not a test-model config"):
        mf.load(kind="other/1", what="test model", remedy="save it again")
    data = bytearray(mf.weights_path.read_bytes())
    data[-1] ^= 0xFF
    mf.weights_path.write_bytes(bytes(data))
    with pytest.raises(OhloraError, match="does not match the sha256"):
        mf.load(kind="test/1", what="test model", remedy="save it again")


def test_every_load_is_checked_and_the_digest_is_remembered_per_size_and_mtime(tmp_path):
    mf = ModelFolder(tmp_path)
    mf.save({"w": torch.zeros(1000)}, {}, kind="test/1")
    assert oct(mf.weights_path.stat().st_mode & 0o077) != "0o0"  # not 0600: umask decides
    mf.load(kind="test/1", what="test model", remedy="again")
    stamp = tmp_path / ".model.safetensors.sha256"
    assert json.loads(stamp.read_text())["sha256"] == sha256_file(mf.weights_path)
    # a byte flip of the same size (what a bad disk or copy does) changes the mtime: caught
    data = bytearray(mf.weights_path.read_bytes())
    data[-5] ^= 0x01
    mf.weights_path.write_bytes(bytes(data))
    with pytest.raises(OhloraError, match="does not match the sha256"):
        mf.load(kind="test/1", what="test model", remedy="again")
    # a config that does not fit its weights is one line too (`damaged`)
    from ohlora.modelfolder import damaged

    with (
        pytest.raises(OhloraError, match=r"config.json is damaged .*KeyError.*: rerun"),
        damaged(mf.config_path, "rerun"),
    ):
        {}["channels"]


def test_folders_from_before_the_format_load(tmp_path):
    mf = ModelFolder.named(tmp_path, "gender")
    mf.save({"w": torch.zeros(2)}, {"task": "gender"}, kind="ohlora-classifier/1")
    cfg = json.loads(mf.config_path.read_text())
    digest = cfg.pop("model_sha256")
    for key in ("format", "model_file", "ohlora_version", "checksum"):
        cfg.pop(key)
    mf.config_path.write_text(json.dumps({**cfg, "weights_sha256": digest}))  # the old layout
    _, back = mf.load(kind="ohlora-classifier/1", what="classifier", remedy="again")
    assert back["model_sha256"] == digest  # read under the current name
    mf.config_path.write_text(json.dumps({"task": "gender"}))  # no digest at all: unchecked
    mf.load(kind="ohlora-classifier/1", what="classifier", remedy="again")
