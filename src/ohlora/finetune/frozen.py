"""The frozen judges inside the training loop: the property CNN and the gender CNN, both
differentiable with respect to the images they look at (their own weights never change)."""

from __future__ import annotations

import copy

import torch
from torch import nn

from ohlora.classifiers.cnn import area_box
from ohlora.classifiers.ensemble import TaskModel
from ohlora.properties.columns import PROPERTIES
from ohlora.scorers.cnn.network import PropertyCNN


def freeze(module: nn.Module) -> nn.Module:
    """Eval mode (fixed batch-norm statistics, no dropout) and no gradients for its weights."""
    module.eval()
    for p in module.parameters():
        p.requires_grad_(False)
    return module


class FrozenProperties(nn.Module):
    """Images in [-1, 1], N x 3 x 64 x 64 -> the asked properties' normalised scores N x K."""

    def __init__(self, cnn: PropertyCNN, properties: tuple[str, ...]) -> None:
        super().__init__()
        self.cnn = freeze(copy.deepcopy(cnn))
        self.index = [PROPERTIES.index(p) for p in properties]

    def train(self, mode: bool = True) -> FrozenProperties:  # stays in eval mode
        return super().train(False)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.cnn(images)[:, self.index]


class FrozenGender(nn.Module):
    """Images in [-1, 1] -> P(woman) per image: the mean over the gender classifier's folds."""

    def __init__(self, model: TaskModel) -> None:
        super().__init__()
        self.nets = nn.ModuleList([freeze(copy.deepcopy(n)) for n in model.nets])
        self.area = model.area
        self.resolution = model.resolution

    def train(self, mode: bool = True) -> FrozenGender:  # stays in eval mode
        return super().train(False)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        assert images.ndim == 4 and images.shape[-1] == self.resolution, images.shape
        x0, x1, y0, y1 = area_box(self.area, self.resolution)
        x = (images[:, :, y0:y1, x0:x1] + 1.0) / 2.0
        return torch.stack([torch.sigmoid(n(x)) for n in self.nets]).mean(0)
