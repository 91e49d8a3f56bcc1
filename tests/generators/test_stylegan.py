"""The GenForce StyleGAN: checkpoint layout, import, the maths of each part, options, editing.

No pretrained copy can be fetched here, so the network is pinned by its published layout
(spec 8.1) and by hand-computed pieces; the weights are random (seeded).
"""

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
from ohlora.generators import stylegan as sg
from ohlora.generators.stylegan import (
    CELEBA_PARTIAL_256,
    StyleGANArch,
    StyleGANGenerator,
    StyleGANNet,
    layers_of_resolution,
    per_layer,
    random_net,
)
from ohlora.generators.stylegan_weights import WEIGHTS_NAME, ZOO_URL

# A small model for fast tests: 16 px, channels 16/16/8, 6 layers, 2 mapping layers of 8.
TINY = {
    "z_dim": 8,
    "w_dim": 8,
    "mapping_fmaps": 8,
    "mapping_layers": 2,
    "fmaps_base": 128,
    "fmaps_max": 16,
}
TINY_ARCH = StyleGANArch(resolution=16, **TINY)
TABLE_256 = {4: 512, 8: 512, 16: 512, 32: 512, 64: 256, 128: 128, 256: 64}


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("OHLORA_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def tiny_registry(home, monkeypatch):
    """The registry entry checks files against the tiny architecture instead of the 256 one."""
    monkeypatch.setattr(sg, "REGISTRY_ARCH", TINY_ARCH)
    return home


@pytest.fixture
def tiny() -> StyleGANGenerator:
    return StyleGANGenerator.random(16, seed=0, arch=TINY)


def _state(seed: int, arch: StyleGANArch = TINY_ARCH) -> dict[str, torch.Tensor]:
    return random_net(arch, seed).state_dict()


# --------------------------------------------------------------------------- layout


def _spec_names(num_blocks: int, mapping_layers: int) -> set[str]:
    """The parameter and buffer names listed in spec 8.1, built independently of the code."""
    names = {"truncation.w_avg", "synthesis.lod", "synthesis.layer0.const"}
    for i in range(mapping_layers):
        names |= {f"mapping.dense{i}.weight", f"mapping.dense{i}.bias"}
    for i in range(2 * num_blocks):
        p = f"synthesis.layer{i}"
        names |= {f"{p}.bias", f"{p}.style.weight", f"{p}.style.bias"}
        names |= {f"{p}.apply_noise.weight", f"{p}.apply_noise.noise"}
        if i > 0:
            names.add(f"{p}.weight")
        if i > 0 and i % 2 == 0:
            names.add(f"{p}.blur.kernel")
    for k in range(num_blocks):
        names |= {f"synthesis.output{k}.weight", f"synthesis.output{k}.bias"}
    return names


def test_state_dict_names_follow_genforce():
    shapes = sg.expected_shapes(CELEBA_PARTIAL_256)
    assert set(shapes) == _spec_names(num_blocks=7, mapping_layers=8)
    assert set(sg.expected_shapes(TINY_ARCH)) == _spec_names(num_blocks=3, mapping_layers=2)
    assert shapes["synthesis.layer0.const"] == (1, 512, 4, 4)
    assert shapes["synthesis.lod"] == ()


def test_256_parameter_count_and_shapes_match_the_channel_table():
    arch = CELEBA_PARTIAL_256
    assert arch.num_layers == 14
    assert arch.channels == list(TABLE_256.values())
    net = StyleGANNet(arch, init=False)
    shapes = {k: tuple(v.shape) for k, v in net.state_dict().items()}

    expected = 8 * (512 * 512 + 512)  # mapping
    resolutions = list(TABLE_256)
    for k, res in enumerate(resolutions):
        c = TABLE_256[res]
        c_in = TABLE_256[resolutions[k - 1]] if k else c
        for i in (2 * k, 2 * k + 1):
            if i == 0:
                expected += c * 4 * 4  # const
            else:
                cin = c_in if i == 2 * k else c
                expected += c * cin * 9
                assert shapes[f"synthesis.layer{i}.weight"] == (c, cin, 3, 3)
            expected += c + c + 2 * c * 512 + 2 * c  # bias, noise strength, style dense
            assert shapes[f"synthesis.layer{i}.style.weight"] == (2 * c, 512)
            assert shapes[f"synthesis.layer{i}.apply_noise.weight"] == (c,)
            assert shapes[f"synthesis.layer{i}.apply_noise.noise"] == (1, 1, res, res)
        if k:
            assert shapes[f"synthesis.layer{2 * k}.blur.kernel"] == (c, 1, 3, 3)
        expected += 3 * c + 3  # output{k}
        assert shapes[f"synthesis.output{k}.weight"] == (3, c, 1, 1)
    assert sum(p.numel() for p in net.parameters()) == expected == 26_086_229
    assert shapes["truncation.w_avg"] == (512,)


# --------------------------------------------------------------------------- import


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


# --------------------------------------------------------------------------- the maths


def _lrelu(x: np.ndarray) -> np.ndarray:
    return np.where(x >= 0, x, 0.2 * x)


def test_mapping_matches_a_hand_computation():
    arch = {"z_dim": 4, "w_dim": 4, "mapping_fmaps": 4, "mapping_layers": 2}
    g = StyleGANGenerator.random(8, arch={**arch, "fmaps_base": 32, "fmaps_max": 4})
    w0 = np.array(
        [[50, -120, 30, 0], [-80, 20, 60, 100], [10, 10, -200, 40], [90, -30, 0, -70]], np.float32
    )
    w1 = np.array(
        [[-60, 40, 100, 20], [30, -90, 50, -10], [120, 0, -40, 70], [-20, 80, 30, -100]],
        np.float32,
    )
    b0 = np.array([10, -20, 5, 0], np.float32)
    b1 = np.array([-5, 15, 0, 30], np.float32)
    with torch.no_grad():
        pairs = [("dense0.weight", w0), ("dense0.bias", b0), ("dense1.weight", w1)]
        for name, v in [*pairs, ("dense1.bias", b1)]:
            g.net.mapping.get_parameter(name).copy_(torch.from_numpy(v))
    z = np.array([[1.0, -2.0, 0.5, 3.0], [-0.3, 0.1, 2.0, -1.0]], np.float32)

    # By hand: pixel norm, then two dense layers whose stored weights are scaled by
    # sqrt(2) / sqrt(fan_in) * 0.01 and biases by 0.01, each followed by leaky ReLU 0.2.
    x = z.astype(np.float64)
    x = x / np.sqrt((x**2).mean(axis=1, keepdims=True) + 1e-8)
    for w, b in ((w0, b0), (w1, b1)):
        x = _lrelu(x @ (w.astype(np.float64) * np.sqrt(2.0) / 2.0 * 0.01).T + b * 0.01)
    assert (x < 0).any() and (x > 0).any()  # both branches of the activation are exercised
    np.testing.assert_allclose(g.to_space(z, "w"), x, rtol=1e-5, atol=1e-6)


def _corr3(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    """3 x 3 cross-correlation with zero padding: x (C, H, W), k (O, C, 3, 3) -> (O, H, W)."""
    c, h, w = x.shape
    xp = np.zeros((c, h + 2, w + 2))
    xp[:, 1:-1, 1:-1] = x
    out = np.zeros((k.shape[0], h, w))
    for o in range(k.shape[0]):
        for i in range(h):
            for j in range(w):
                out[o, i, j] = (k[o] * xp[:, i : i + 3, j : j + 3]).sum()
    return out


def test_synthesis_matches_a_hand_computation():
    """An 8 px model with 2 channels, computed layer by layer in numpy (batch of 1)."""
    g = StyleGANGenerator.random(
        8, seed=2, arch={"z_dim": 4, "w_dim": 4, "mapping_fmaps": 4, "fmaps_max": 2}
    )
    p = {k: v.double().numpy() for k, v in g.net.state_dict().items()}
    wp = np.random.default_rng(1).standard_normal((1, 4, 4)).astype(np.float32)
    blur = np.outer([1, 2, 1], [1, 2, 1]) / 16.0

    def styled(i: int, x: np.ndarray) -> np.ndarray:
        pre = f"synthesis.layer{i}"
        c = x.shape[0]
        x = x + p[f"{pre}.apply_noise.noise"][0] * p[f"{pre}.apply_noise.weight"][:, None, None]
        x = _lrelu(x + p[f"{pre}.bias"][:, None, None])
        x = x - x.mean(axis=(1, 2), keepdims=True)
        x = x / np.sqrt((x**2).mean(axis=(1, 2), keepdims=True) + 1e-8)
        style = p[f"{pre}.style.weight"] / 2.0 @ wp[0, i] + p[f"{pre}.style.bias"]
        return x * (1 + style[:c, None, None]) + style[c:, None, None]

    def conv(i: int, x: np.ndarray) -> np.ndarray:
        k = p[f"synthesis.layer{i}.weight"]
        return _corr3(x, k * np.sqrt(2.0) / np.sqrt(k.shape[1] * 9))

    x = styled(0, p["synthesis.layer0.const"][0])
    x = styled(1, conv(1, x))
    up = conv(2, x.repeat(2, axis=1).repeat(2, axis=2))  # nearest, then conv (below 128 px)
    up = np.stack([_corr3(ch[None], blur[None, None])[0] for ch in up])
    x = styled(3, conv(3, styled(2, up)))
    rgb = np.einsum("oc,chw->ohw", p["synthesis.output1.weight"][:, :, 0, 0] / np.sqrt(2), x)
    rgb += p["synthesis.output1.bias"][:, None, None]

    with torch.no_grad():
        got = g.synthesize_torch(torch.from_numpy(wp), "w+")[0].double().numpy()
    assert np.abs(rgb).max() > 0.1
    np.testing.assert_allclose(got, rgb, rtol=1e-4, atol=1e-5)


def test_truncation_algebra(tiny):
    z = tiny.sample_latents(3, 5)
    w = tiny.to_space(z, "w")
    avg = tiny.w_avg
    assert np.abs(avg).max() > 0

    tiny.trunc_psi = 1.0
    np.testing.assert_array_equal(tiny.to_space(z, "w+"), np.repeat(w[:, None], 6, axis=1))

    tiny.trunc_psi, tiny.trunc_layers = 0.0, 4
    wp = tiny.to_space(z, "w+")
    np.testing.assert_allclose(wp[:, :4], np.broadcast_to(avg, (3, 4, 8)), atol=1e-6)
    np.testing.assert_array_equal(wp[:, 4:], np.repeat(w[:, None], 2, axis=1))

    tiny.trunc_psi, tiny.trunc_layers = 0.5, 2
    wp = tiny.to_space(z, "w+")
    np.testing.assert_allclose(
        wp[:, :2], np.repeat((avg + 0.5 * (w - avg))[:, None], 2, 1), atol=1e-6
    )
    np.testing.assert_array_equal(wp[:, 2:], np.repeat(w[:, None], 4, axis=1))
    np.testing.assert_allclose(tiny.truncate(w), wp, atol=1e-6)


def test_the_three_spaces_agree(tiny):
    z = tiny.sample_latents(4, 11)
    a = tiny.synthesize(z)
    b = tiny.synthesize(tiny.to_space(z, "w"), "w")
    c = tiny.synthesize(tiny.to_space(z, "w+"), "w+")
    assert a.shape == (4, 16, 16, 3) and a.dtype == np.uint8
    assert np.abs(a.astype(int) - b).max() <= 1 and np.abs(a.astype(int) - c).max() <= 1
    assert len(np.unique(a)) > 50
    assert tiny.latent_shape("w+") == (6, 8)


def test_fused_scale_is_nearest_upsample_and_mirrored_conv():
    fused = random_net(StyleGANArch(resolution=16, fused_scale=True, **TINY), seed=4)
    plain = StyleGANNet(StyleGANArch(resolution=16, fused_scale=False, **TINY))
    plain.load_state_dict(fused.state_dict())
    assert fused.synthesis.layer2.kind == "up_fused" and plain.synthesis.layer2.kind == "up"
    wp = torch.randn(2, 6, 8, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert (fused.synthesis(wp) - plain.synthesis(wp)).abs().max() > 0.1
        for i in (2, 4):  # the upsampling layers
            plain.synthesis.layer(i).weight.copy_(fused.synthesis.layer(i).weight.flip(2, 3))
        torch.testing.assert_close(fused.synthesis(wp), plain.synthesis(wp), rtol=0, atol=2e-5)
    assert CELEBA_PARTIAL_256.fused(128) and not CELEBA_PARTIAL_256.fused(64)


def test_lod_selects_a_coarser_output(tiny):
    wp = torch.from_numpy(tiny.to_space(tiny.sample_latents(1, 0), "w+"))
    with torch.no_grad():
        full = tiny.net.synthesis(wp)
        coarse = tiny.net.synthesis(wp, lod=2.0)  # the 4 x 4 output, enlarged
        half = tiny.net.synthesis(wp, lod=1.5)
    assert float(tiny.net.synthesis.lod) == 0.0
    blocks = coarse.unfold(2, 4, 4).unfold(3, 4, 4)
    assert torch.equal(blocks, blocks[..., :1, :1].expand_as(blocks))
    assert not torch.allclose(full, coarse)
    assert not torch.allclose(half, coarse) and not torch.allclose(half, full)


# --------------------------------------------------------------------------- editing


def test_per_layer_edit_touches_only_chosen_layers(tiny):
    tiny.trunc_psi = 1.0
    wp = tiny.to_space(tiny.sample_latents(2, 3), "w+")
    offset = np.random.default_rng(0).standard_normal(8).astype(np.float32) * 3
    edited = tiny.edit_w_plus(wp, offset, [2, 3])
    others = [0, 1, 4, 5]
    np.testing.assert_array_equal(edited[:, others], wp[:, others])
    np.testing.assert_allclose(edited[:, [2, 3]], wp[:, [2, 3]] + offset, atol=1e-6)
    before, after = tiny.synthesize(wp, "w+"), tiny.synthesize(edited, "w+")
    assert np.abs(before.astype(int) - after).mean() > 1

    assert layers_of_resolution(8) == (2, 3) and layers_of_resolution(256) == (12, 13)
    fine = per_layer(np.zeros((14, 4), np.float32), np.ones(4), "fine")
    assert fine[:8].sum() == 0 and (fine[8:] == 1).all()
    with pytest.raises(OhloraError, match="out of range"):
        per_layer(wp, offset, [6])

    t = torch.from_numpy(wp).requires_grad_(True)
    out = per_layer(t, torch.from_numpy(offset), [2, 3])
    tiny.synthesize_torch(out, "w+").mean().backward()
    assert t.grad is not None and torch.isfinite(t.grad).all() and t.grad.abs().sum() > 0


# --------------------------------------------------------------------------- options


def test_style_mixing_is_seeded_and_per_sample(tiny):
    z = tiny.sample_latents(4, 7)
    plain = tiny.synthesize(z)
    tiny.style_mixing_prob, tiny.trunc_psi = 1.0, 1.0
    mixed = tiny.synthesize(z)
    assert np.abs(mixed.astype(int) - tiny.synthesize(z)).max() == 0  # same seed, same call
    assert (np.abs(mixed.astype(int) - plain).reshape(4, -1).max(1) > 0).all()
    tiny.batch_size = 1
    np.testing.assert_array_equal(tiny.synthesize(z), mixed)  # independent of batching
    tiny.seed = 1
    assert not np.array_equal(tiny.synthesize(z), mixed)

    seen: list[torch.Tensor] = []
    hook = tiny.net.synthesis.register_forward_pre_hook(lambda m, a: seen.append(a[0].clone()))
    try:
        tiny.synthesize(z)
    finally:
        hook.remove()
    wp, w = torch.cat(seen).numpy(), tiny.to_space(z, "w")
    for i in range(4):  # rows 0..c-1 are this sample's w, rows c.. one other w, 1 <= c <= 5
        same = np.all(np.isclose(wp[i], w[i], atol=1e-6), axis=1)
        c = int(np.argmin(same))
        assert 1 <= c <= 5 and same[:c].all() and not same[c:].any()
        assert np.allclose(wp[i, c:], wp[i, c])


def test_noise_fixed_or_seeded(tiny):
    z = tiny.sample_latents(2, 1)
    fixed = tiny.synthesize(z)
    tiny.seed = 5
    np.testing.assert_array_equal(tiny.synthesize(z), fixed)  # the seed plays no part
    tiny.randomize_noise = True
    r5 = tiny.synthesize(z)
    np.testing.assert_array_equal(tiny.synthesize(z), r5)
    tiny.seed = 6
    r6 = tiny.synthesize(z)
    assert np.abs(r5.astype(int) - r6).mean() > 0.5
    assert np.abs(r5.astype(int) - fixed).mean() > 0.5


def test_bad_options_and_latents_are_one_line_errors(tiny, home):
    with pytest.raises(OhloraError, match="unknown StyleGAN option trunc"):
        StyleGANGenerator.pretrained(trunc=0.5)
    with pytest.raises(OhloraError, match=r"style_mixing_prob 2\.0 is out of range"):
        StyleGANGenerator.random(16, arch=TINY, style_mixing_prob=2)
    with pytest.raises(OhloraError, match=r"expects w\+ latents of shape \(N, 6, 8\)"):
        tiny.synthesize(np.zeros((1, 8), np.float32), "w+")
    with pytest.raises(OhloraError, match="not a power of two"):
        StyleGANArch(resolution=48)
    with pytest.raises(OhloraError, match="unknown StyleGAN option psi"):
        StyleGANGenerator.random(16, arch=TINY, psi=1.0)


def test_a_corrupt_cache_is_one_clear_error(tmp_path):
    (tmp_path / weights.CONFIG_FILE).write_text(json.dumps({"resolution": 16, **TINY}))
    (tmp_path / weights.MODEL_FILE).write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}garbage")
    with pytest.raises(OhloraError, match=f"ohlora weights import {WEIGHTS_NAME} FILE"):
        StyleGANGenerator.from_dir(tmp_path)


@pytest.mark.slow
def test_256_synthesis_on_cpu():
    g = StyleGANGenerator.random(256, seed=0)
    images = g.synthesize(g.sample_latents(2, 0))
    assert images.shape == (2, 256, 256, 3) and images.dtype == np.uint8
    assert images.std() > 10 and not np.array_equal(images[0], images[1])
