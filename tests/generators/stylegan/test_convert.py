"""GenForce checkpoints: every layout imports key for key; anything else is one clear line."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from ohlora import weights
from ohlora.errors import OhloraError
from ohlora.generators import load
from ohlora.generators.stylegan.arch import CELEBA_PARTIAL_256, StyleGANArch
from ohlora.generators.stylegan.generator import StyleGANGenerator
from ohlora.generators.stylegan.registry import WEIGHTS_NAME, ZOO_URL
from tests.generators.stylegan.random_weights import TINY_ARCH, random_net


def _state(seed: int, arch: StyleGANArch = TINY_ARCH) -> dict[str, torch.Tensor]:
    return random_net(arch, seed).state_dict()


def _save(path: Path, layout: str, a: dict, b: dict) -> dict:
    """Write a GenForce-layout file; returns the state dict a loader must pick."""
    if layout == "generator":
        torch.save({"generator": a, "discriminator": {"x": torch.zeros(2)}}, path)
        return a
    if layout == "smooth":
        torch.save({"generator": b, "generator_smooth": a, "discriminator": {}}, path)
        return a
    if layout == "models":
        adam = {"state": {0: {"step": torch.tensor(3.0), "exp_avg": torch.ones(2)}}}
        torch.save(
            {
                "models": {"generator": a, "discriminator": {"x": torch.ones(1)}},
                "optimizers": {"generator": adam},
                "running_metadata": {"iter": 10, "seen_img": 1000},
            },
            path,
        )
        return a
    raise AssertionError(layout)


@pytest.mark.parametrize(
    ("layout", "keys"),
    [
        ("generator", ["generator"]),
        ("smooth", ["generator_smooth"]),
        ("models", ["models", "generator"]),
    ],
)
def test_genforce_layouts_import_and_round_trip(tiny_registry, tmp_path, layout, keys):
    a, b = _state(1), _state(2)
    want = _save(tmp_path / "ckpt.pth", layout, a, b)
    folder = weights.import_file(WEIGHTS_NAME, tmp_path / "ckpt.pth")

    got = load_file(str(folder / weights.MODEL_FILE))
    assert list(got) == list(want) or set(got) == set(want)
    for k, v in want.items():
        assert got[k].shape == v.shape, k
        assert torch.equal(got[k], v), k
    config = json.loads((folder / weights.CONFIG_FILE).read_text())
    assert config["source_keys"] == keys
    assert config["num_layers"] == 6 and config["channels"] == [16, 16, 8]
    assert config["weights"]["location"] == ZOO_URL

    g = load(WEIGHTS_NAME, trunc_psi=1.0)  # from the cache, no download
    assert isinstance(g, StyleGANGenerator) and g.trunc_psi == 1.0 and g.trunc_layers == 8
    loaded = g.net.state_dict()
    assert set(loaded) == set(want)
    assert all(torch.equal(loaded[k], v) for k, v in want.items())


def test_the_smooth_generator_is_preferred(tiny_registry, tmp_path):
    a, b = _state(1), _state(2)
    _save(tmp_path / "c.pth", "smooth", a, b)
    g = StyleGANGenerator.from_dir(weights.import_file(WEIGHTS_NAME, tmp_path / "c.pth"))
    z = g.sample_latents(2, 0)
    ref_a = StyleGANGenerator(random_net(TINY_ARCH, 1)).synthesize(z)
    ref_b = StyleGANGenerator(random_net(TINY_ARCH, 2)).synthesize(z)
    np.testing.assert_array_equal(g.synthesize(z), ref_a)
    assert not np.array_equal(ref_a, ref_b)


@pytest.mark.slow
def test_full_size_checkpoint_imports(home, tmp_path):
    net = random_net(CELEBA_PARTIAL_256, seed=3)
    state = net.state_dict()
    torch.save({"generator": state, "discriminator": {}}, tmp_path / "zoo.pth")
    assert not weights.is_fetched(WEIGHTS_NAME)
    weights.import_file(WEIGHTS_NAME, tmp_path / "zoo.pth")
    g = StyleGANGenerator.pretrained()
    loaded = g.net.state_dict()
    assert set(loaded) == set(state)
    assert all(torch.equal(loaded[k], v) for k, v in state.items())
    assert g.latent_shape("w+") == (14, 512) and g.resolution == 256
    z = g.sample_latents(3, 0)
    with torch.inference_mode():
        w_ref = net.mapping(torch.from_numpy(z)).numpy()
    np.testing.assert_allclose(g.to_space(z, "w"), w_ref, rtol=1e-5, atol=1e-6)


def _error_of(path: Path) -> str:
    with pytest.raises(OhloraError) as e:
        weights.import_file(WEIGHTS_NAME, path)
    msg = str(e.value)
    assert "\n" not in msg
    return msg


def test_missing_key_is_named(tiny_registry, tmp_path):
    a = _state(1)
    del a["synthesis.layer3.style.bias"]
    torch.save({"generator": a}, tmp_path / "c.pth")
    msg = _error_of(tmp_path / "c.pth")
    assert "missing key synthesis.layer3.style.bias" in msg and "unexpected" not in msg
    assert "['generator']" in msg
    assert not weights.is_fetched(WEIGHTS_NAME)
    assert [p for p in (tiny_registry / "weights").rglob("*")] == []


def test_unexpected_key_is_named(tiny_registry, tmp_path):
    a = _state(1)
    a["mapping.label_weight"] = torch.zeros(3, 8)
    torch.save({"generator_smooth": a}, tmp_path / "c.pth")
    msg = _error_of(tmp_path / "c.pth")
    assert "unexpected key mapping.label_weight" in msg and "missing" not in msg
    assert not weights.is_fetched(WEIGHTS_NAME)


def test_wrong_shape_is_named(tiny_registry, tmp_path):
    a = _state(1)
    a["synthesis.layer4.weight"] = torch.zeros(8, 8, 3, 3)
    torch.save({"generator": a}, tmp_path / "c.pth")
    msg = _error_of(tmp_path / "c.pth")
    assert "synthesis.layer4.weight has shape (8, 8, 3, 3), expected (8, 16, 3, 3)" in msg


def test_the_256_entry_refuses_a_smaller_model(home, tmp_path):
    torch.save({"generator": _state(1)}, tmp_path / "c.pth")
    msg = _error_of(tmp_path / "c.pth")
    assert "StyleGAN 256x256" in msg and "missing keys" in msg


def test_files_that_are_not_checkpoints(home, tmp_path):
    page = tmp_path / "download.bin"
    page.write_text("<!DOCTYPE html><html>Sign in to SharePoint</html>")
    msg = _error_of(page)
    assert f"ohlora weights import {WEIGHTS_NAME} FILE" in msg
    torch.save({"optimizer": {}}, tmp_path / "other.pth")
    assert "no 'generator_smooth' or 'generator'" in _error_of(tmp_path / "other.pth")


def test_offline_fetch_says_to_import(home, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(OhloraError) as e:
        weights.fetch(WEIGHTS_NAME)
    assert f"`ohlora weights import {WEIGHTS_NAME} FILE`" in str(e.value)
    assert "\n" not in str(e.value)
    with pytest.raises(OhloraError, match="ohlora weights import"):
        StyleGANGenerator.pretrained()
