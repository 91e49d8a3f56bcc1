"""What every FineTune version shares: the frozen parts it is built from, the trainable parts
it saves, and one training step on a batch of the base generator's faces."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ohlora.classifiers.ensemble import TaskModel
from ohlora.errors import OhloraError
from ohlora.finetune.frozen import FrozenGender, FrozenProperties
from ohlora.finetune.head import ConditionalGenerator
from ohlora.generators.dcgan import DCGANNet
from ohlora.scorers.cnn.network import PropertyCNN

LANDMARK3 = ("eyes", "mouth", "pose")


@dataclass
class Context:
    """The pretrained parts a version starts from (none of them is changed in place)."""

    base: DCGANNet
    cnn: PropertyCNN
    gender: TaskModel | None
    seed: int = 0
    device: str = "cpu"


class Version:
    """One fine-tuning recipe. Subclasses set the class fields and `step`.

    `labels` is where the training faces' properties come from: "alg1" (the run's mesh scores
    by algorithm 1, normalised) or "cnn" (the frozen property CNN on each face, i.e.
    algorithm 2's scores via the CNN). `watched` names the loss a fixed-batch check follows.
    """

    name: str = ""
    properties: tuple[str, ...] = LANDMARK3
    labels: str = "cnn"
    psi: float = 1.0
    watched: str = "loss"

    def __init__(self, ctx: Context) -> None:
        torch.manual_seed(ctx.seed)
        self.ctx = ctx
        self.G = ConditionalGenerator(ctx.base, len(self.properties), self.psi)
        self.props = FrozenProperties(ctx.cnn, self.properties)
        self.modules: dict[str, nn.Module] = {"G": self.G}
        self.optimizers: dict[str, torch.optim.Optimizer] = {}
        self.schedulers: dict[str, torch.optim.lr_scheduler.LRScheduler] = {}

    def gender(self) -> FrozenGender:
        """The frozen gender CNN (refused with what to do when the run has none)."""
        if self.ctx.gender is None:
            raise OhloraError(
                f"FineTune-{self.name} needs the gender classifier: run `ohlora "
                "train-classifiers --run RUN` first (or pass --classifiers FOLDER)"
            )
        return FrozenGender(self.ctx.gender)

    def to(self, device: str) -> None:
        for m in [*self.modules.values(), self.props]:
            m.to(device)

    def train(self, mode: bool = True) -> None:
        for m in self.modules.values():
            m.train(mode)

    def step(self, z: torch.Tensor, x: torch.Tensor, c: torch.Tensor) -> dict[str, float]:
        """One training step: base latents z (B, 100), their faces x (B, 3, 64, 64) in
        [-1, 1], their properties c (B, K) -> the step's losses."""
        raise NotImplementedError

    def end_epoch(self) -> None:
        for s in self.schedulers.values():
            s.step()

    def test_latents(self, n: int, gen: torch.Generator) -> torch.Tensor:
        """The z of the per-epoch test (default: n fresh draws)."""
        return torch.randn(n, self.G.z_dim, generator=gen)

    def extra_state(self) -> dict[str, torch.Tensor]:
        """Tensors besides module weights that the saved model needs (v3: its reference)."""
        return {}


def adam(params: list[nn.Parameter], lr: float) -> torch.optim.Adam:
    return torch.optim.Adam(params, lr=lr, betas=(0.5, 0.999))


def trainable(module: nn.Module) -> list[nn.Parameter]:
    return [p for p in module.parameters() if p.requires_grad]
