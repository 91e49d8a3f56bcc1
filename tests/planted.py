"""A synthetic generator with planted properties, for testing direction finding and editing.

Image pixel (0, c) of channel 0 encodes property c as 128 + 20 * r(u_c . z) (clipped), so the
property's true direction in z is the unit vector u_c. `r` is the identity unless a
`response` is given: a non-linear or steeper one makes the editor's linear model wrong, so the
closed loop has work to do. `PlantedScorer` reads r(u_c . z) back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch

from ohlora.generators.base import TorchGenerator
from ohlora.store.samples import Samples
from ohlora.vectorfind.directions import Directions
from ohlora.vectorfind.find import find_directions

PROPS = ["eyes", "mouth", "pose", "hair_color", "hair_length", "background_mean", "background_std"]


class PlantedGenerator(TorchGenerator):
    spaces = ("z",)

    def __init__(
        self,
        z_dim: int = 16,
        seed: int = 0,
        response: Callable[[torch.Tensor], torch.Tensor] | None = None,
    ) -> None:
        self.name = "planted"
        self.response = response
        self.z_dim = z_dim
        self.resolution = 8
        rng = np.random.default_rng(seed)
        u = rng.standard_normal((len(PROPS), z_dim))
        self.directions = (u / np.linalg.norm(u, axis=1, keepdims=True)).astype(np.float32)

    def _forward(self, latents: torch.Tensor, space: str) -> torch.Tensor:
        n = latents.shape[0]
        values = latents.float() @ torch.from_numpy(self.directions).T  # (N, P)
        if self.response is not None:
            values = self.response(values)
        img = torch.zeros(n, 3, 8, 8)
        img[:, 0, 0, : len(PROPS)] = ((128 + 20 * values) / 127.5 - 1).clamp(-1, 1)
        return img


class MirrorPlantedGenerator(PlantedGenerator):
    """The planted generator whose images also read right in a mirror: row 1 holds, from the
    right, each property as the face's mirror image has it (pose negated), and row 2 a
    marker (bright on the left) that says which way round the image is."""

    def _forward(self, latents: torch.Tensor, space: str) -> torch.Tensor:
        img = super()._forward(latents, space)
        values = latents.float() @ torch.from_numpy(self.directions).T
        if self.response is not None:
            values = self.response(values)
        sign = torch.tensor([-1.0 if p == "pose" else 1.0 for p in PROPS])
        mirrored = ((128 + 20 * sign * values) / 127.5 - 1).clamp(-1, 1)
        img[:, 0, 1, 8 - len(PROPS) :] = mirrored.flip(-1)  # column 7 - c: property c
        img[:, 0, 2, 0] = 1.0
        return img


@dataclass
class Result:
    raw: np.ndarray
    found: np.ndarray


class PlantedScorer:
    columns: ClassVar[list[str]] = [f"planted.{p}" for p in PROPS]

    def score(self, images: np.ndarray) -> Result:
        raw = (images[:, 0, : len(PROPS), 0].astype(np.float32) - 128) / 20
        return Result(raw, np.ones(len(images), bool))

    def close(self) -> None:
        pass


class MirrorPlantedScorer(PlantedScorer):
    """Reads `MirrorPlantedGenerator`'s images either way round (its marker says which)."""

    def score(self, images: np.ndarray) -> Result:
        mirrored = images[:, 2, 0, 0] < 192  # the marker (255) not on the left
        shown = images.copy()
        # a mirror image shows, from the left, row 1's properties as its mirror has them
        shown[mirrored, 0, : len(PROPS)] = images[mirrored, 1, : len(PROPS)]
        return super().score(shown)


class IdentityNormalisation:
    def apply(self, raw: np.ndarray, columns: list[str]) -> np.ndarray:
        return raw

    def invert(self, z: np.ndarray, columns: list[str]) -> np.ndarray:
        return z

    def to_dict(self) -> dict:
        return {}


COLS = {p: f"planted.{p}" for p in PROPS}


def planted_samples(gen: PlantedGenerator, n: int) -> Samples:
    z = gen.sample_latents(n, 0)
    res = PlantedScorer().score(gen.synthesize(z))
    return Samples(
        index=np.arange(n),
        seed=np.arange(n),
        z=z,
        raw=res.raw,
        found=res.found,
        columns=PlantedScorer.columns,
        normalised=res.raw,
    )


def find_planted(
    gen: PlantedGenerator | None = None, samples: Samples | None = None, **options: Any
) -> tuple[PlantedGenerator, Directions, list[str]]:
    """Directions found on 3,000 planted samples (eyes, mouth, pose), or on `samples`;
    `options` go to `find_directions` as they are (`condition=...`)."""
    gen = gen or PlantedGenerator()
    d, warnings = find_directions(
        samples if samples is not None else planted_samples(gen, 3000),
        gen,
        space="z",
        steered=["eyes", "mouth", "pose"],
        kept=[],
        k=0.2,
        algorithm="planted",
        property_columns=COLS,
        normalisation={},
        **options,
    )
    return gen, d, warnings
