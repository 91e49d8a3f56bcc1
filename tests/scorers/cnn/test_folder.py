"""The property CNN's model folder: a bit-exact round trip, refusals, which CNN a run uses."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from ohlora.errors import OhloraError
from ohlora.modelfolder import CONFIG_FILE, MODEL_FILE
from ohlora.properties.normalise import NORMALISATION_FILE, Normalisation
from ohlora.scorers.cnn import folder as cnn_folder
from ohlora.scorers.cnn.network import PropertyCNN, default_architecture
from ohlora.scorers.cnn.scorer import CNNScorer
from ohlora.store.rundir import RunDir
from tests.scorers.cnn.models import some_norm, tiny_arch


def test_save_load_round_trip_is_bit_exact(tmp_path):
    torch.manual_seed(3)
    arch = default_architecture(64, "context")
    model = PropertyCNN(arch)
    with torch.no_grad():  # non-trivial batch-norm statistics
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-1, 1)
                m.running_var.uniform_(0.5, 2)
    model.eval()
    norm = some_norm()
    folder = cnn_folder.save(tmp_path / "cnn", model, norm, {"note": "test"})
    loaded, norm2, cfg = cnn_folder.load(folder)
    assert loaded.arch == arch
    a, b = model.state_dict(), loaded.state_dict()
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k
    x = torch.rand(5, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        assert torch.equal(model(x), loaded(x))
    np.testing.assert_array_equal(norm2.mean, norm.mean)
    np.testing.assert_array_equal(norm2.std, norm.std)
    assert cfg["training"] == {"note": "test"}
    # the normalisation file for `ohlora sample --stats` holds the same statistics
    np.testing.assert_array_equal(Normalisation.load(folder / NORMALISATION_FILE).std, norm.std)
    # a damaged or swapped weights file is refused
    (folder / MODEL_FILE).write_bytes((folder / MODEL_FILE).read_bytes()[:-4] + b"\0" * 4)
    with pytest.raises(OhloraError, match="does not match the digest"):
        cnn_folder.load(folder)


def test_from_run_finds_the_recorded_or_the_run_s_own_cnn(tmp_path):
    model = PropertyCNN(tiny_arch()).eval()
    own = cnn_folder.save(tmp_path / "a" / cnn_folder.DEFAULT_FOLDER, model, some_norm(0), {})
    other = cnn_folder.save(tmp_path / "elsewhere", model, some_norm(1), {})
    assert CNNScorer.from_run(tmp_path / "a").source == own
    # a run sampled with a CNN uses that CNN
    RunDir(tmp_path / "b").record_stage("sample", {"scorer": "cnn", "cnn": str(other)})
    assert CNNScorer.from_run(tmp_path / "b").source == other
    # a run directory given as --cnn means its property_cnn/
    assert cnn_folder.resolve_folder(tmp_path / "a") == own
    with pytest.raises(OhloraError, match="holds no property CNN"):
        CNNScorer.from_run(tmp_path / "c")
    cfg = json.loads((own / CONFIG_FILE).read_text())
    cfg["format"] = "something-else"
    (own / CONFIG_FILE).write_text(json.dumps(cfg))
    with pytest.raises(OhloraError, match="not a property-CNN config"):
        cnn_folder.load(own)
