"""Real classifier networks with random weights, for tests that need saved classifiers fast."""

from __future__ import annotations

import torch

from ohlora.classifiers.cnn import Architecture, SmallCNN
from ohlora.classifiers.ensemble import TaskModel


def random_model(task: str, area: str, seed: int, folds: int = 3) -> TaskModel:
    """Real networks with random weights and random batch-norm statistics."""
    torch.manual_seed(seed)
    arch = Architecture(channels=(4, 8), dropout=0.2, input_pool=2 if area == "whole" else 1)
    nets = []
    for _ in range(folds):
        net = SmallCNN(arch)
        with torch.no_grad():
            for name, t in net.state_dict().items():
                if name.endswith("running_mean"):
                    t.normal_(0, 0.2)
                elif name.endswith("running_var"):
                    t.uniform_(0.5, 2.0)
        nets.append(net.eval())
    return TaskModel(task, area, 64, "dcgan-digiface-64", arch, nets, {"note": "test"})
