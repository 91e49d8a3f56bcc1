"""The StyleGAN network: GenForce's checkpoint layout and the maths of each part, pinned by
hand computations (no pretrained copy can be fetched here; the weights are random, seeded)."""

from __future__ import annotations

import numpy as np
import torch

from ohlora.generators.stylegan.arch import CELEBA_PARTIAL_256, StyleGANArch
from ohlora.generators.stylegan.network import StyleGANNet, expected_shapes
from tests.generators.stylegan.random_weights import TINY, TINY_ARCH, random_net, random_stylegan

TABLE_256 = {4: 512, 8: 512, 16: 512, 32: 512, 64: 256, 128: 128, 256: 64}


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
    shapes = expected_shapes(CELEBA_PARTIAL_256)
    assert set(shapes) == _spec_names(num_blocks=7, mapping_layers=8)
    assert set(expected_shapes(TINY_ARCH)) == _spec_names(num_blocks=3, mapping_layers=2)
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


def _lrelu(x: np.ndarray) -> np.ndarray:
    return np.where(x >= 0, x, 0.2 * x)


def test_mapping_matches_a_hand_computation():
    arch = {"z_dim": 4, "w_dim": 4, "mapping_fmaps": 4, "mapping_layers": 2}
    g = random_stylegan(8, arch={**arch, "fmaps_base": 32, "fmaps_max": 4})
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
    g = random_stylegan(
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
