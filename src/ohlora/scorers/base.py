"""What every scorer is: the `Scorer` protocol and its one result type, `Scores`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Self

import numpy as np


@dataclass
class Scores:
    """raw: float32 N x len(columns), in `columns` order, raw units (NaN: no value);
    found: bool N (a face was found: False rows are NaN everywhere)."""

    raw: np.ndarray
    found: np.ndarray
    columns: list[str]

    def column(self, name: str) -> np.ndarray:
        return self.raw[:, self.columns.index(name)]


class Scorer(Protocol):
    """Anything that turns uint8 face images N x H x W x 3 into raw score columns."""

    columns: list[str]

    def score(self, images: np.ndarray) -> Scores: ...

    def close(self) -> None: ...


class Closing:
    """Mixin: `with scorer:` closes the scorer at the end of the block."""

    def close(self) -> None:
        """Release what the scorer holds (nothing by default)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
