"""Small property CNNs, statistics and images shared by the property-CNN tests."""

from __future__ import annotations

import numpy as np

from ohlora.properties.normalise import Normalisation
from ohlora.scorers.cnn.network import Architecture, columns_for, default_architecture

# spec 3.2 at 256 x 256: (x0, x1, y0, y1) in pixels
SPEC_256 = {
    "eyes": (64, 192, 96, 144),  # 128 x 48
    "mouth": (96, 160, 160, 208),  # 64 x 48
    "pose": (88, 168, 112, 160),  # 80 x 48
    "hair_color": (0, 256, 0, 256),
    "hair_length": (0, 256, 128, 256),
    "background": (0, 256, 0, 128),
}


def tiny_arch(areas: str = "context", resolution: int = 64) -> Architecture:
    return default_architecture(resolution, areas, small=((4, 8), 8), large=((4, 8), 8))


def some_norm(seed: int = 0) -> Normalisation:
    rng = np.random.default_rng(seed)
    cols = columns_for()
    return Normalisation(
        cols, rng.normal(0, 50, len(cols)), rng.uniform(0.1, 30, len(cols)), np.full(7, 100)
    )


def faces(n: int, seed: int = 0, resolution: int = 64) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, resolution, resolution, 3), dtype=np.uint8)
