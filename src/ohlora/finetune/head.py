"""The conditional generator: a trainable head in front of the DCGAN (z + properties -> z').

The embedded DCGAN has no mapping network; where the spec fine-tunes "the mapping" (z -> w),
this head plays its part. It starts as the identity (its last layer is zero), so an untrained
conditional generator draws exactly the base generator's faces.
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from ohlora.generators.dcgan import DCGANNet


class ConditionalHead(nn.Module):
    """(z, c) -> z + MLP([z, c]): two dense layers, residual, zero-initialised output."""

    def __init__(self, z_dim: int, n_cond: int, hidden: int = 256) -> None:
        super().__init__()
        self.z_dim, self.n_cond = z_dim, n_cond
        self.mlp = nn.Sequential(
            nn.Linear(z_dim + n_cond, hidden),
            nn.LeakyReLU(0.2),
            nn.Linear(hidden, hidden),
            nn.LeakyReLU(0.2),
            nn.Linear(hidden, z_dim),
        )
        nn.init.zeros_(self.mlp[-1].weight)
        nn.init.zeros_(self.mlp[-1].bias)

    def forward(self, z: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        assert z.ndim == 2 and z.shape[1] == self.z_dim, z.shape
        assert c.shape == (len(z), self.n_cond), (c.shape, z.shape)
        return z + self.mlp(torch.cat([z, c], 1))


class ConditionalGenerator(nn.Module):
    """z (N, 100) + asked properties (N, K, normalised) -> images in [-1, 1], N x 3 x 64 x 64.

    `psi` < 1 is the conditional truncation of FineTune-v5: the head's output is pulled
    towards the condition's centre (the head at z = 0, the mean of z) by the factor psi.
    The DCGAN's batch norms always use their stored statistics (the base generator's).
    """

    def __init__(self, base: DCGANNet, n_cond: int, psi: float = 1.0) -> None:
        super().__init__()
        self.head = ConditionalHead(base.z_dim, n_cond)
        self.net = copy.deepcopy(base)
        self.psi = float(psi)
        self.z_dim, self.n_cond = base.z_dim, n_cond

    def train(self, mode: bool = True) -> ConditionalGenerator:
        super().train(mode)
        for m in self.net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.eval()
        return self

    def latent(self, z: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        """The DCGAN latent z' that (z, c) maps to (truncated when psi < 1)."""
        w = self.head(z, c)
        if self.psi != 1.0:
            centre = self.head(torch.zeros_like(z), c)
            w = centre + self.psi * (w - centre)
        return w

    def forward(self, z: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        return self.net(self.latent(z, c))

    def freeze_convolutions(self) -> None:
        """FineTune-v1 / v4 / v3: only the head (dense layers) learns."""
        for p in self.net.parameters():
            p.requires_grad_(False)
