"""FineTune-v1 (spec 5): the 7-value property vector joins the generator's input (the head)
and the discriminator's last dense layer; the DCGAN's convolutions frozen, the dense head
trained; a discriminator from scratch; labels from algorithm 1."""

from __future__ import annotations

import torch

from ohlora.finetune.discriminator import ConditionalDiscriminator
from ohlora.finetune.gan import gan_step
from ohlora.finetune.version import Context, Version, adam, trainable
from ohlora.properties.columns import PROPERTIES

LR = 2e-4


class FineTuneV1(Version):
    name = "v1"
    properties = PROPERTIES
    labels = "alg1"
    watched = "d_loss"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.G.freeze_convolutions()
        self.D = ConditionalDiscriminator(len(self.properties))
        self.modules["D"] = self.D
        self.optimizers = {"G": adam(trainable(self.G), LR), "D": adam(trainable(self.D), LR)}

    def step(self, z: torch.Tensor, x: torch.Tensor, c: torch.Tensor) -> dict[str, float]:
        return gan_step(
            self.G,
            lambda im, cc: (self.D(im, cc), None),
            self.optimizers["G"],
            self.optimizers["D"],
            x,
            c,
        )
