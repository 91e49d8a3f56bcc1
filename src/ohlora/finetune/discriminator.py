"""Discriminators trained alongside the generator (the DCGAN ships none).

`ConditionalDiscriminator` (FineTune-v1 / v4): four strided convolutions from scratch; the
property vector joins its last dense layer (projection: realness = w . h + c . (V h)).
`PropertyDiscriminator` (FineTune-v5): the property CNN's structure and weights, every layer
trainable; it outputs a realness logit from the heads' dense features plus the properties it
reads, so it judges both whether a face is real and whether it shows the asked properties.
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from ohlora.properties.columns import PROPERTIES
from ohlora.scorers.cnn.areas import crop
from ohlora.scorers.cnn.network import PropertyCNN


def downsampling_trunk(width: int) -> tuple[nn.Sequential, int]:
    """Four stride-2 convolutions (LeakyReLU 0.2) from a 3 x 64 x 64 image to a flat vector;
    returns the trunk and the vector's length (8 * width * 4 * 4)."""
    c = [3, width, 2 * width, 4 * width, 8 * width]
    layers: list[nn.Module] = []
    for i in range(4):
        layers += [nn.Conv2d(c[i], c[i + 1], 4, 2, 1), nn.LeakyReLU(0.2, inplace=True)]
    return nn.Sequential(*layers, nn.Flatten()), c[-1] * 4 * 4


class ConditionalDiscriminator(nn.Module):
    """Images in [-1, 1], N x 3 x 64 x 64, and properties N x K -> realness logits N."""

    def __init__(self, n_cond: int, width: int = 32) -> None:
        super().__init__()
        self.features, dim = downsampling_trunk(width)
        self.dense = nn.Linear(dim, 1)
        self.project = nn.Linear(n_cond, dim, bias=False)
        self.n_cond = n_cond

    def forward(self, images: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        assert images.shape[1:] == (3, 64, 64), images.shape
        assert c.shape == (len(images), self.n_cond), c.shape
        h = self.features(images)
        return self.dense(h).squeeze(1) + (self.project(c) * h).sum(1) / h.shape[1] ** 0.5


class PropertyDiscriminator(nn.Module):
    """The property CNN's heads (copied weights, trainable) + a conditional realness output.

    forward -> (realness logits N, read properties N x K in the asked order).
    """

    def __init__(self, cnn: PropertyCNN, properties: tuple[str, ...]) -> None:
        super().__init__()
        self.cnn = copy.deepcopy(cnn)
        for p in self.cnn.parameters():
            p.requires_grad_(True)
        self.properties = properties
        where = {p: (h.name, i) for h in cnn.arch.heads for i, p in enumerate(h.outputs)}
        self.read = [where[p] for p in properties]
        dim = sum(h.dense for h in cnn.arch.heads)
        self.dense = nn.Linear(dim, 1)
        self.project = nn.Linear(len(properties), dim, bias=False)
        assert set(properties) <= set(PROPERTIES), properties

    def forward(self, images: torch.Tensor, c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        feats, outs = [], {}
        for name, head in self.cnn.heads.items():
            h = head.out[:4](head.features(crop(images, head.spec.area)))
            feats.append(h)
            outs[name] = head.out[4](h)
        h = torch.cat(feats, 1)
        real = self.dense(h).squeeze(1) + (self.project(c) * h).sum(1) / h.shape[1] ** 0.5
        read = torch.stack([outs[n][:, i] for n, i in self.read], 1)
        return real, read
