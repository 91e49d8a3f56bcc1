"""Saved gender / quality classifiers: the fold models of a task, averaged at inference.

On disk, per task, in the classifiers folder (default RUN/classifiers):

    <task>.safetensors   every fold's weights, keys `fold<k>.<parameter>`
    <task>.json          task, area, resolution, generator, architecture, training settings,
                         per-fold threshold / validation BCE / attempts, out-of-fold figures,
                         label sources, and the sha256 of the safetensors file (the model
                         folder format of `ohlora.modelfolder`)
    oof.csv              the labelled faces with their out-of-fold probabilities

A prediction is the mean over folds of the sigmoid of the network on the image and on its
mirror image.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ohlora.classifiers.cnn import Architecture, SmallCNN, to_input
from ohlora.errors import OhloraError
from ohlora.modelfolder import DIGEST, ModelFolder, damaged

TASK_NAMES = ("gender", "quality")
FORMAT = "ohlora-classifier/1"


def predict_nets(nets: list[SmallCNN], x: torch.Tensor, batch: int = 256) -> np.ndarray:
    """Mean probability over networks and over the image and its mirror (float64 N)."""
    total = torch.zeros(len(x), dtype=torch.float64)
    with torch.inference_mode():
        for net in nets:
            net.eval()
            for i in range(0, len(x), batch):
                xb = x[i : i + batch]
                p = torch.sigmoid(net(xb)) + torch.sigmoid(net(xb.flip(3)))
                total[i : i + batch] += p.double() / 2
    return (total / len(nets)).numpy()


@dataclass
class TaskModel:
    """The fold models of one task and their metadata."""

    task: str
    area: str
    resolution: int
    generator: str
    arch: Architecture
    nets: list[SmallCNN]
    meta: dict[str, Any] = field(default_factory=dict)

    def predict(self, images: np.ndarray) -> np.ndarray:
        """P(woman) or P(good quality) per uint8 N x H x W x 3 image (float64 N)."""
        if images.ndim != 4 or images.shape[1:] != (self.resolution, self.resolution, 3):
            raise OhloraError(
                f"the {self.task} classifier was trained on {self.resolution} x "
                f"{self.resolution} faces of {self.generator}, not images of shape "
                f"{tuple(images.shape[1:])}: train classifiers for this generator"
            )
        return predict_nets(self.nets, to_input(images, self.area))

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {
            f"fold{k}.{name}": t.detach().contiguous().clone()
            for k, net in enumerate(self.nets)
            for name, t in net.state_dict().items()
        }

    def save(self, folder: Path) -> Path:
        """Write <task>.safetensors and <task>.json (the JSON records the weights' sha256)."""
        mf = ModelFolder.named(folder, self.task)
        config = {
            **self.meta,
            "task": self.task,
            "area": self.area,
            "resolution": self.resolution,
            "generator": self.generator,
            "architecture": self.arch.to_dict(),
            "n_folds": len(self.nets),
        }
        mf.save(
            self.state_dict(), config, kind=FORMAT, metadata={"format": "pt", "task": self.task}
        )
        return mf.weights_path

    @classmethod
    def load(cls, folder: Path, task: str) -> TaskModel:
        """Load a task saved by `save`; a missing or altered file is a clear error."""
        mf = ModelFolder.named(folder, task)
        remedy = "run `ohlora train-classifiers --run RUN` first (or pass --classifiers FOLDER)"
        if not mf.exists():
            raise OhloraError(f"{folder} has no trained {task} classifier: {remedy}")
        state, cfg = mf.load(kind=FORMAT, what=f"{task} classifier", remedy=remedy)
        with damaged(mf.config_path, remedy):
            arch = Architecture.from_dict(cfg["architecture"])
            nets = []
            for k in range(int(cfg["n_folds"])):
                prefix = f"fold{k}."
                net = SmallCNN(arch)
                net.load_state_dict(
                    {n[len(prefix) :]: t for n, t in state.items() if n.startswith(prefix)}
                )
                nets.append(net.eval())
            return cls(task, cfg["area"], int(cfg["resolution"]), cfg["generator"], arch, nets, cfg)


@dataclass
class GenderQuality:
    """Both classifiers of a folder."""

    folder: Path
    models: dict[str, TaskModel]

    @classmethod
    def load(cls, folder: Path, tasks: tuple[str, ...] = TASK_NAMES) -> GenderQuality:
        return cls(Path(folder), {t: TaskModel.load(folder, t) for t in tasks})

    @property
    def generator(self) -> str:
        gens = {m.generator for m in self.models.values()}
        if len(gens) != 1:
            raise OhloraError(f"{self.folder} mixes classifiers of {', '.join(sorted(gens))}")
        return gens.pop()

    def fingerprint(self) -> dict[str, str]:
        """The weights' sha256 per task: what identifies these classifiers in a run."""
        return {t: m.meta[DIGEST] for t, m in self.models.items()}

    def predict(self, images: np.ndarray) -> dict[str, np.ndarray]:
        """{task: probability} for uint8 N x H x W x 3 images."""
        return {t: m.predict(images) for t, m in self.models.items()}
