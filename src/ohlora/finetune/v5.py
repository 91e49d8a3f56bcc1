"""FineTune-v5 (spec 6, failed in the original): the discriminator has the property CNN's
structure and starts from its weights; every layer of G and D trainable; 3 properties;
conditional truncation with psi 0.5 (try 3 of the report)."""

from __future__ import annotations

import torch

from ohlora.finetune.discriminator import PropertyDiscriminator
from ohlora.finetune.gan import gan_step
from ohlora.finetune.version import Context, Version, adam, trainable

LR = 1e-4
PROPERTY_WEIGHT = 1.0


class FineTuneV5(Version):
    name = "v5"
    psi = 0.5
    watched = "d_loss"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.D = PropertyDiscriminator(ctx.cnn, self.properties)
        self.modules["D"] = self.D
        self.optimizers = {"G": adam(trainable(self.G), LR), "D": adam(trainable(self.D), LR)}

    def step(self, z: torch.Tensor, x: torch.Tensor, c: torch.Tensor) -> dict[str, float]:
        return gan_step(
            self.G,
            self.D,
            self.optimizers["G"],
            self.optimizers["D"],
            x,
            c,
            property_weight=PROPERTY_WEIGHT,
        )
