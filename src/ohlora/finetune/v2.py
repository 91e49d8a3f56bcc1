"""FineTune-v2 (spec 5, failed in the original): the property CNN frozen inside the loop, the
whole generator trainable, the loss only the asked properties' MSE (6 properties: all but
background_std). No gender term and no discriminator: the original's faces drifted to men."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ohlora.finetune.version import Context, Version, adam, trainable
from ohlora.properties.columns import PROPERTIES

LR = 1e-4


class FineTuneV2(Version):
    name = "v2"
    properties = tuple(p for p in PROPERTIES if p != "background_std")
    labels = "cnn"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.optimizers = {"G": adam(trainable(self.G), LR)}

    def step(self, z: torch.Tensor, x: torch.Tensor, c: torch.Tensor) -> dict[str, float]:
        asked = c[torch.randperm(len(c)).to(c.device)]
        loss = F.mse_loss(self.props(self.G(z, asked)), asked)
        opt = self.optimizers["G"]
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return {"loss": loss.item()}
