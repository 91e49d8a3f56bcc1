"""FineTune-v3 (spec 5.1, adopted in the original): a conditional VAE whose decoder is the
conditional generator. Loss C + G + 0.2 M + 0.05 V: C the 3 properties' MSE (frozen property
CNN on the output vs the face's own properties), G the MSE of P(woman) against 1 (frozen
gender CNN), M the mean of mu^2, V the mean of (ln sigma^2)^2. Trainable: the head (the
mapping's stand-in, lr 1e-4) and the encoder (lr 1e-5); the DCGAN's convolutions frozen;
cosine annealing with T_max 10 epochs. Test z come from (mu, sigma) of the epoch's last 30
batches."""

from __future__ import annotations

from collections import deque

import torch
import torch.nn.functional as F
from torch import nn

from ohlora.finetune.discriminator import downsampling_trunk
from ohlora.finetune.version import Context, Version, adam, trainable

HEAD_LR = 1e-4
ENCODER_LR = 1e-5
T_MAX = 10
WEIGHTS = {"C": 1.0, "G": 1.0, "M": 0.2, "V": 0.05}
KEPT_BATCHES = 30


class Encoder(nn.Module):
    """Images in [-1, 1], N x 3 x 64 x 64 -> (mu, ln sigma^2), each N x z_dim."""

    def __init__(self, z_dim: int, width: int = 32) -> None:
        super().__init__()
        self.features, dim = downsampling_trunk(width)
        self.mu = nn.Linear(dim, z_dim)
        self.logvar = nn.Linear(dim, z_dim)

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        assert images.shape[1:] == (3, 64, 64), images.shape
        h = self.features(images)
        return self.mu(h), self.logvar(h)


class FineTuneV3(Version):
    name = "v3"
    watched = "loss"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.G.freeze_convolutions()
        self.E = Encoder(self.G.z_dim)
        self.modules["E"] = self.E
        self.gender_cnn = self.gender()
        self.optimizers = {
            "G": adam(trainable(self.G), HEAD_LR),
            "E": adam(trainable(self.E), ENCODER_LR),
        }
        self.schedulers = {
            k: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=T_MAX)
            for k, o in self.optimizers.items()
        }
        self.kept: deque[tuple[torch.Tensor, torch.Tensor]] = deque(maxlen=KEPT_BATCHES)
        self.reference = (torch.zeros(self.G.z_dim), torch.ones(self.G.z_dim))

    def to(self, device: str) -> None:
        super().to(device)
        self.gender_cnn.to(device)

    def step(self, z: torch.Tensor, x: torch.Tensor, c: torch.Tensor) -> dict[str, float]:
        mu, logvar = self.E(x)
        sample = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        out = self.G(sample, c)
        terms = {
            "C": F.mse_loss(self.props(out), c),
            "G": F.mse_loss(self.gender_cnn(out), torch.ones(len(out), device=out.device)),
            "M": (mu**2).mean(),
            "V": (logvar**2).mean(),
        }
        loss = sum(WEIGHTS[k] * v for k, v in terms.items())
        for o in self.optimizers.values():
            o.zero_grad(set_to_none=True)
        loss.backward()  # type: ignore[union-attr]
        for o in self.optimizers.values():
            o.step()
        self.kept.append((mu[0].detach().clone(), torch.exp(0.5 * logvar[0]).detach().clone()))
        return {"loss": loss.item(), **{k: v.item() for k, v in terms.items()}}

    def test_latents(self, n: int, gen: torch.Generator) -> torch.Tensor:
        """One z per kept batch (cycled when fewer than n): mu + sigma * eps."""
        if not self.kept:
            return super().test_latents(n, gen)
        self.test_refs = [self.kept[i % len(self.kept)] for i in range(n)]
        eps = torch.randn(n, self.G.z_dim, generator=gen)
        refs = [m.cpu() + s.cpu() * e for (m, s), e in zip(self.test_refs, eps, strict=True)]
        return torch.stack(refs)

    def choose(self, index: int) -> None:
        """Adopt test z number `index`'s (mu, sigma) as the reference new faces are drawn from."""
        self.reference = self.test_refs[index]

    def extra_state(self) -> dict[str, torch.Tensor]:
        mu, sigma = self.reference
        mu, sigma = mu.cpu(), sigma.cpu()
        return {"reference.mu": mu.contiguous(), "reference.sigma": sigma.contiguous()}
