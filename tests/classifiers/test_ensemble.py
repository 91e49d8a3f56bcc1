"""Saved classifiers: a save / load round trip is bit-exact; altered weights are refused."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from ohlora.classifiers.ensemble import GenderQuality, TaskModel
from ohlora.errors import OhloraError
from tests.classifiers.models import random_model


def test_round_trip_is_bit_exact(tmp_path, dcgan):
    images = dcgan.synthesize(dcgan.sample_latents(16, seed=3))
    for task, area in (("gender", "whole"), ("quality", "top-centre")):
        m = random_model(task, area, seed=len(task))
        m.save(tmp_path)
        back = TaskModel.load(tmp_path, task)
        a, b = m.state_dict(), back.state_dict()
        assert a.keys() == b.keys() and len(a) > 0
        for k in a:
            assert a[k].dtype == b[k].dtype and torch.equal(a[k], b[k]), k
        assert back.area == area and back.arch == m.arch and back.meta["note"] == "test"
        assert np.array_equal(m.predict(images), back.predict(images))
    both = GenderQuality.load(tmp_path)
    assert set(both.predict(images)) == {"gender", "quality"}
    assert both.generator == "dcgan-digiface-64"


def test_altered_or_missing_weights_are_refused(tmp_path, dcgan):
    m = random_model("gender", "whole", seed=1)
    path = m.save(tmp_path)
    data = bytearray(path.read_bytes())
    data[-3] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(OhloraError, match="does not match the sha256"):
        TaskModel.load(tmp_path, "gender")
    with pytest.raises(OhloraError, match="no trained quality classifier"):
        TaskModel.load(tmp_path, "quality")


def test_wrong_image_size_is_a_clear_error():
    m = random_model("gender", "whole", seed=2)
    with pytest.raises(OhloraError, match="64 x 64"):
        m.predict(np.zeros((2, 128, 128, 3), np.uint8))


def test_classifiers_saved_before_the_model_folder_format_load(tmp_path):
    m = random_model("gender", "whole", seed=2)
    m.save(tmp_path)
    cfg_path = tmp_path / "gender.json"
    cfg = json.loads(cfg_path.read_text())
    digest = cfg.pop("model_sha256")
    for key in ("format", "model_file", "ohlora_version", "checksum"):
        cfg.pop(key)
    cfg |= {"weights_file": "gender.safetensors", "weights_sha256": digest}  # the old fields
    cfg_path.write_text(json.dumps(cfg))
    back = GenderQuality.load(tmp_path, ("gender",))
    assert back.fingerprint() == {"gender": digest}
    assert torch.equal(back.models["gender"].nets[0].head[-1].weight, m.nets[0].head[-1].weight)
