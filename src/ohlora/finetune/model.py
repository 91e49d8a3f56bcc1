"""A fine-tuned conditional generator on disk and in use.

Folder (`ohlora finetune --out DIR`): `model.safetensors` (the conditional generator's weights,
keys `G.*`, plus v3's reference `reference.mu` / `reference.sigma`) and `config.json` (format
`ohlora-finetune/1`, version, asked properties, psi, the training record). Faces: seed s means
the seed rule's z (v3: mu + sigma * that z, its adopted reference), then G(z, asked) with
unasked properties at 0 (the population mean).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from ohlora.errors import OhloraError
from ohlora.finetune.head import ConditionalGenerator
from ohlora.generators.base import to_uint8
from ohlora.generators.dcgan import DCGANNet
from ohlora.generators.seeds import latents_for_seeds
from ohlora.modelfolder import ModelFolder, damaged

FORMAT = "ohlora-finetune/1"
REMEDY = "train it again with `ohlora finetune --run RUN --version VERSION`"


class FineTunedModel:
    """z + asked properties -> faces; also a `Generator`-like view at the mean properties."""

    spaces = ("z",)
    resolution = 64

    def __init__(self, net: ConditionalGenerator, config: dict[str, Any], extra: dict) -> None:
        self.G = net.eval()
        for p in self.G.parameters():
            p.requires_grad_(False)
        self.config = config
        self.version = str(config["version"])
        self.properties: tuple[str, ...] = tuple(config["properties"])
        self.z_dim = net.z_dim
        self.name = f"{config.get('generator', 'dcgan-digiface-64')}+finetune-{self.version}"
        self.mu = extra.get("reference.mu")
        self.sigma = extra.get("reference.sigma")

    # -- saving ------------------------------------------------------------------------------
    @staticmethod
    def tensors(net: ConditionalGenerator, extra: dict[str, torch.Tensor]) -> dict:
        state = {f"G.{k}": v.detach().contiguous().clone() for k, v in net.state_dict().items()}
        return {**state, **{k: v.detach().contiguous().clone() for k, v in extra.items()}}

    @staticmethod
    def save(folder: Path, net: ConditionalGenerator, extra: dict, config: dict) -> None:
        ModelFolder(Path(folder)).save(
            FineTunedModel.tensors(net, extra), config, kind=FORMAT, metadata={"format": FORMAT}
        )

    @classmethod
    def load(cls, folder: Path) -> FineTunedModel:
        mf = ModelFolder(Path(folder))
        state, cfg = mf.load(kind=FORMAT, what="fine-tuned generator", remedy=REMEDY)
        with damaged(mf.config_path, REMEDY):
            net = ConditionalGenerator(DCGANNet(), len(cfg["properties"]), float(cfg["psi"]))
            net.load_state_dict({k[2:]: v for k, v in state.items() if k.startswith("G.")})
            extra = {k: v for k, v in state.items() if k.startswith("reference.")}
        return cls(net, cfg, extra)

    # -- faces -------------------------------------------------------------------------------
    def latents_for_seeds(self, seeds: list[int]) -> np.ndarray:
        """The z a seed means for this model (v3: drawn from its adopted mu, sigma)."""
        z = latents_for_seeds(seeds, self.z_dim)
        if self.mu is not None and self.sigma is not None:
            z = (self.mu.numpy() + self.sigma.numpy() * z).astype(np.float32)
        return z

    def condition(self, asked: dict[str, np.ndarray], n: int) -> torch.Tensor:
        """(n, K) condition: asked properties where given (NaN: not asked), 0 elsewhere."""
        unknown = set(asked) - set(self.properties)
        if unknown:
            raise OhloraError(
                f"FineTune-{self.version} takes {', '.join(self.properties)}, not "
                f"{', '.join(sorted(unknown))}"
            )
        c = np.zeros((n, len(self.properties)), np.float32)
        for p, v in asked.items():
            v = np.broadcast_to(np.asarray(v, np.float32), (n,))
            c[:, self.properties.index(p)] = np.nan_to_num(v, nan=0.0)
        return torch.from_numpy(c)

    def generate(self, z: np.ndarray, asked: dict[str, np.ndarray], batch: int = 250) -> np.ndarray:
        """uint8 N x 64 x 64 x 3 faces of z (N, 100) showing the asked properties."""
        z = np.asarray(z, np.float32)
        if z.ndim != 2 or z.shape[1] != self.z_dim:
            raise OhloraError(f"expected z of shape (N, {self.z_dim}), got {tuple(z.shape)}")
        c = self.condition(asked, len(z))
        out = []
        with torch.inference_mode():
            for i in range(0, len(z), batch):
                out.append(to_uint8(self.G(torch.from_numpy(z[i : i + batch]), c[i : i + batch])))
        if not out:
            return np.zeros((0, 64, 64, 3), np.uint8)
        return np.concatenate(out)

    def synthesize(self, latents: np.ndarray, space: str = "z") -> np.ndarray:
        """The faces at the population mean of every property (the `Generator` view)."""
        if space != "z":
            raise OhloraError(f"a fine-tuned DCGAN offers latent space z only, not {space!r}")
        return self.generate(latents, {})
