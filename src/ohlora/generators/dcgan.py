"""The embedded default generator: a DCGAN producing 64 x 64 faces from a 100-d z.

Architecture (the published facts of the `gan-face-generate` wheel): five transposed
convolutions 100 -> 512 -> 256 -> 128 -> 64 -> 3, kernel 4 (stride 1 then 2), no bias, batch
norm and ReLU between them, tanh at the end. State-dict keys `main.{0,1,3,4,6,7,9,10,12}.*`.
Weights come from the registry entry `dcgan-digiface-64`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ohlora import weights
from ohlora.errors import OhloraError
from ohlora.generators.base import TorchGenerator, to_uint8
from ohlora.modelfolder import ModelFolder, damaged

CHANNELS = (100, 512, 256, 128, 64, 3)
WEIGHTS_NAME = "dcgan-digiface-64"


class DCGANNet(nn.Module):
    """The DCGAN generator network; `main` indices match the published state dict."""

    def __init__(self, channels: tuple[int, ...] = CHANNELS) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        for i in range(len(channels) - 1):
            first = i == 0
            layers.append(
                nn.ConvTranspose2d(
                    channels[i],
                    channels[i + 1],
                    4,
                    1 if first else 2,
                    0 if first else 1,
                    bias=False,
                )
            )
            if i < len(channels) - 2:
                layers += [nn.BatchNorm2d(channels[i + 1]), nn.ReLU(inplace=True)]
        layers.append(nn.Tanh())
        self.main = nn.Sequential(*layers)
        self.z_dim = channels[0]

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        assert z.ndim == 2 and z.shape[1] == self.z_dim, z.shape
        return self.main(z.view(z.shape[0], self.z_dim, 1, 1))


def convert_checkpoint(raw: Path) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Registry converter: the wheel's torch archive -> (tensors, architecture config)."""
    try:
        ckpt = torch.load(raw, map_location="cpu", weights_only=True)
    except Exception as e:  # torch raises several types for a corrupt archive
        raise OhloraError(
            f"{raw} is not a readable torch checkpoint ({e.__class__.__name__}): "
            "fetch it again with `ohlora weights fetch dcgan-digiface-64`"
        ) from None
    state = ckpt.get("netG_state_dict") if isinstance(ckpt, dict) else None
    if state is None:
        raise OhloraError(f"{raw} has no 'netG_state_dict': not the gan-face-generate weights")
    net = DCGANNet()
    missing, unexpected = net.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise OhloraError(f"{raw}: missing keys {missing}, unexpected keys {unexpected}")
    tensors = {k: v.contiguous() for k, v in net.state_dict().items()}
    return tensors, {
        "architecture": "dcgan",
        "channels": list(CHANNELS),
        "resolution": 64,
        "z_dim": CHANNELS[0],
        "output": "tanh, [-1, 1]",
    }


class DCGANGenerator(TorchGenerator):
    """`Generator` over the embedded DCGAN (latent space z only), eval mode, CPU."""

    spaces = ("z",)

    def __init__(self, net: DCGANNet, name: str = WEIGHTS_NAME) -> None:
        self.net = net.eval()
        for p in self.net.parameters():
            p.requires_grad_(False)
        self.name = name
        self.z_dim = net.z_dim
        self.resolution = 64

    @classmethod
    def from_dir(cls, folder: Path) -> DCGANGenerator:
        """Load converted weights (model.safetensors + config.json) from a folder (checked
        against the sha256 recorded at fetch, cheaply after the first load)."""
        remedy = f"fetch them again with `ohlora weights fetch {WEIGHTS_NAME}`"
        mf = ModelFolder(Path(folder))
        state, config = mf.load(kind=weights.FORMAT, what="DCGAN weights", remedy=remedy)
        with damaged(mf.config_path, remedy):
            net = DCGANNet(tuple(config["channels"]))
            net.load_state_dict(state)
        return cls(net, name=config.get("weights", {}).get("name", WEIGHTS_NAME))

    @classmethod
    def pretrained(cls) -> DCGANGenerator:
        """The registry's embedded weights, fetched on first use."""
        return cls.from_dir(weights.ensure(WEIGHTS_NAME))

    def _forward(self, latents: torch.Tensor, space: str) -> torch.Tensor:
        return self.net(latents.float())

    # -- feature access for region-local edits (ohlora.editing.local) ------------------------
    def _split(self, res: int) -> int:
        """Index into `net.main` after which the feature maps are res x res."""
        sizes = {4: 3, 8: 6, 16: 9, 32: 12}  # after each BatchNorm + ReLU block
        if res not in sizes:
            raise OhloraError(f"feature maps exist at {sorted(sizes)} px, not {res}")
        return sizes[res]

    def features(self, latents: np.ndarray, res: int) -> torch.Tensor:
        """The feature maps (N, C, res, res) that `latents` (z) produce at size `res`."""
        z = torch.from_numpy(np.ascontiguousarray(latents, np.float32))
        assert z.ndim == 2 and z.shape[1] == self.z_dim, z.shape
        with torch.inference_mode():
            h = z.view(len(z), self.z_dim, 1, 1)
            for m in self.net.main[: self._split(res)]:
                h = m(h)
        assert h.shape[-1] == res, h.shape
        return h

    def advance(self, h: torch.Tensor, res: int) -> torch.Tensor:
        """Carry feature maps `h` (N, C, r, r) on through the generator to size `res` > r."""
        start, stop = self._split(int(h.shape[-1])), self._split(res)
        assert stop > start, (h.shape, res)
        with torch.inference_mode():
            for m in self.net.main[start:stop]:
                h = m(h)
        assert h.shape[-1] == res, h.shape
        return h

    def from_features(self, h: torch.Tensor) -> np.ndarray:
        """Finish the synthesis from feature maps (N, C, res, res): uint8 (N, 64, 64, 3)."""
        with torch.inference_mode():
            for m in self.net.main[self._split(int(h.shape[-1])) :]:
                h = m(h)
        return to_uint8(h)
