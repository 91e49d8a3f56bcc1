"""Measure the seven properties of images in the normalised units directions work in."""

from __future__ import annotations

from typing import Any

import numpy as np


class PropertyMeter:
    """Scorer + normalisation + property-to-column map: images -> normalised properties.

    `measure` returns float32 (N, P) in the order of `properties`; NaN where no face was
    found (or the property could not be read).
    """

    def __init__(self, scorer: Any, normalisation: Any, property_columns: dict[str, str]) -> None:
        self.scorer = scorer
        self.normalisation = normalisation
        self.property_columns = dict(property_columns)
        self.properties = list(property_columns)
        missing = [c for c in self.property_columns.values() if c not in scorer.columns]
        assert not missing, f"scorer lacks columns {missing}"
        self._idx = [scorer.columns.index(c) for c in self.property_columns.values()]

    def measure(self, images: np.ndarray) -> np.ndarray:
        assert images.ndim == 4 and images.shape[-1] == 3 and images.dtype == np.uint8
        if len(images) == 0:
            return np.zeros((0, len(self.properties)), np.float32)
        result = self.scorer.score(images)
        needed = list(self.property_columns.values())
        out = np.asarray(self.normalisation.apply(result.raw[:, self._idx], needed), np.float32)
        out[~np.asarray(result.found, bool)] = np.nan
        return out

    def close(self) -> None:
        self.scorer.close()
