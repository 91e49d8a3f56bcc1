"""The asked grids and pass rules of the original's two generation tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

PROPS = ("eyes", "mouth", "pose")


@dataclass(frozen=True)
class Protocol:
    """50 asked (eyes, mouth, pose) combinations per case, in normalised units."""

    name: str
    eyes: tuple[float, ...]
    mouth: tuple[float, ...]
    pose: tuple[float, ...]

    def grid(self) -> np.ndarray:
        """(50, 3) asked values, eyes slowest, pose fastest."""
        return np.array(list(itertools.product(self.eyes, self.mouth, self.pose)), np.float64)


# v3 (FineTune-v3 test, spec 5.1). Its pose grid {-1.2 .. 3.6} is centred on 1.2; shifted so
# that its centre is the population's pose mean (0 in normalised units).
V3 = Protocol("v3", (-1.8, 1.8), (-1.2, -0.6, 0.0, 0.8, 1.6), (-2.4, -1.2, 0.0, 1.2, 2.4))
# v7 (VectorFind-v7 test, spec 8.2).
V7 = Protocol("v7", (-1.2, 1.2), (-1.8, -0.9, 0.0, 0.9, 1.8), (-1.8, -1.2, -0.6, 0.0, 0.6))
PROTOCOLS = {"v3": V3, "v7": V7}

# Pass rules. v3: corr >= and MAE <= per property; v7: |corr| >= per property.
V3_CORR = {"eyes": 0.77, "mouth": 0.85, "pose": 0.82}
V3_MAE = {"eyes": 1.0, "mouth": 0.6, "pose": 1.4}
V7_ABS_CORR = {"eyes": 0.92, "mouth": 0.88, "pose": 0.92}
