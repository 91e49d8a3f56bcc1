"""StyleGANs with seeded random weights, for tests and benchmarks (no pretrained copy can be
fetched here; speed does not depend on the values)."""

from __future__ import annotations

from typing import Any

import torch

from ohlora.generators.stylegan.arch import StyleGANArch
from ohlora.generators.stylegan.generator import StyleGANGenerator
from ohlora.generators.stylegan.network import NoiseInput, StyleGANNet
from ohlora.generators.stylegan.options import StyleGANOptions

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


def random_net(arch: StyleGANArch, seed: int = 0) -> StyleGANNet:
    """A network with seeded random values in every parameter and buffer (non-zero biases,
    noise strengths, constant and `w_avg` = mean w of 512 z), so each part shows in the image."""
    gen = torch.Generator().manual_seed(int(seed))
    net = StyleGANNet(arch, init=False)  # no global RNG draws, no double initialisation
    lr = arch.mapping_lr_mul
    with torch.no_grad():
        for name, t in net.named_parameters():
            if name.startswith("mapping."):
                scale = (1.0 if name.endswith("weight") else 0.1) / lr  # stored / lr_mul
            elif name.startswith("synthesis.output"):
                scale = 0.3 if name.endswith("weight") else 0.05  # keeps most pixels unclipped
            elif name.endswith(".bias") or name.endswith("apply_noise.weight"):
                scale = 0.2
            else:  # conv and style weights (equalised lr: unit normal), the constant
                scale = 1.0
            t.copy_(torch.randn(t.shape, generator=gen) * scale)
        for mod in net.modules():
            if isinstance(mod, NoiseInput):
                mod.noise.copy_(torch.randn(mod.noise.shape, generator=gen))
        z = torch.randn(512, arch.z_dim, generator=gen)
        net.truncation.w_avg.copy_(net.mapping(z).mean(0))
    return net


def random_stylegan(
    resolution: int = 256, seed: int = 0, *, arch: dict[str, Any] | None = None, **options: Any
) -> StyleGANGenerator:
    """A generator over `random_net`: `arch` overrides `StyleGANArch` fields, `options` are
    `StyleGANOptions` names."""
    spec = StyleGANArch(**{**(arch or {}), "resolution": resolution})
    opts = StyleGANOptions().with_overrides(options)
    return StyleGANGenerator(
        random_net(spec, seed), name=f"stylegan-random-{resolution}", options=opts
    )
