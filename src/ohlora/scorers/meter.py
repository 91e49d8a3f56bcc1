"""Measure the seven properties of images in a run's normalised units: scorer + statistics.

`open_meter(run, ...)` opens the scorer by name with the run's normalisation, so that every
stage (editing, the generation test, the studio) measures faces the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ohlora.properties.columns import DEFAULT_ALGORITHM, MIRROR_ODD, resolve
from ohlora.properties.normalise import run_normalisation
from ohlora.scorers.factory import make_scorer

VIEWS = ("identity", "mirror", "shift-right", "shift-down")


def view(images: np.ndarray, name: str) -> np.ndarray:
    """One test-time view of uint8 N x H x W x 3 images: mirrored or moved by one pixel."""
    if name == "identity":
        return images
    if name == "mirror":
        return np.ascontiguousarray(images[:, :, ::-1])
    if name == "shift-right":
        return np.concatenate([images[:, :, :1], images[:, :, :-1]], axis=2)
    if name == "shift-down":
        return np.concatenate([images[:, :1], images[:, :-1]], axis=1)
    raise ValueError(f"unknown view {name!r}")


class PropertyMeter:
    """Scorer + normalisation + property-to-column map: images -> normalised properties.

    `measure` returns float32 (N, P) in the order of `properties`; NaN where no face was
    found (or the property could not be read). With `views > 1` each image is also measured
    mirrored (pose negated back) and moved by a pixel, and the readings are averaged: face
    analysis of a 64 px face is noisy (a mirrored reading of the eyes differs by ~0.5 standard
    deviations), and a closed loop that corrects single noisy readings chases the noise.
    """

    def __init__(
        self, scorer: Any, normalisation: Any, property_columns: dict[str, str], views: int = 1
    ) -> None:
        if not 1 <= views <= len(VIEWS):
            raise ValueError(f"views must be 1..{len(VIEWS)}, got {views}")
        self.scorer = scorer
        self.normalisation = normalisation
        self.property_columns = dict(property_columns)
        self.properties = list(property_columns)
        self.views = views
        missing = [c for c in self.property_columns.values() if c not in scorer.columns]
        assert not missing, f"scorer lacks columns {missing}"
        self._idx = [scorer.columns.index(c) for c in self.property_columns.values()]

    def _measure_once(self, images: np.ndarray) -> np.ndarray:
        result = self.scorer.score(images)
        needed = list(self.property_columns.values())
        out = np.asarray(self.normalisation.apply(result.raw[:, self._idx], needed), np.float32)
        out[~np.asarray(result.found, bool)] = np.nan
        return out

    def mirrored(self, values: np.ndarray) -> np.ndarray:
        """What this meter reads on the mirror images of faces that read `values` (N, P):
        the mirror-odd properties (pose) negated in the scorer's raw units, so the
        population mean's offset from zero is kept (on runs/n6k frontal, raw 0, lies at -0.04
        sd of the mesh's pose, so a pose of 0 sd mirrors to -0.08 sd, not to 0)."""
        out = np.array(values, np.float32, copy=True)
        assert out.ndim == 2 and out.shape[1] == len(self.properties), out.shape
        odd = [j for j, p in enumerate(self.properties) if p in MIRROR_ODD]
        if odd:
            cols = [self.property_columns[self.properties[j]] for j in odd]
            raw = self.normalisation.invert(out[:, odd], cols)
            out[:, odd] = self.normalisation.apply(-raw, cols)
        return out

    def measure(self, images: np.ndarray) -> np.ndarray:
        assert images.ndim == 4 and images.shape[-1] == 3 and images.dtype == np.uint8
        n = len(images)
        if n == 0:
            return np.zeros((0, len(self.properties)), np.float32)
        if self.views == 1:
            return self._measure_once(images)
        names = VIEWS[: self.views]
        stacked = self._measure_once(np.concatenate([view(images, v) for v in names]))
        readings = stacked.reshape(len(names), n, -1)
        for i, v in enumerate(names):
            if v == "mirror":
                readings[i] = self.mirrored(readings[i])
        # Mean of the views that found a face; NaN unless at least half of them did.
        count = np.isfinite(readings).sum(0)
        with np.errstate(invalid="ignore"):
            out = np.where(count > 0, np.nansum(readings, 0) / np.maximum(count, 1), np.nan)
        out[count * 2 < len(names)] = np.nan
        return out.astype(np.float32)

    def close(self) -> None:
        self.scorer.close()


def open_meter(
    run: Path,
    scorer: str = "mesh",
    workers: int = 2,
    algorithm: str = DEFAULT_ALGORITHM,
    views: int = 1,
) -> PropertyMeter:
    """Scorer + the run's normalisation: measures images in the run's normalised units
    (averaged over `views` test-time views: 1 plain, 2 adds the mirror image, up to 4)."""
    return PropertyMeter(
        make_scorer(scorer, workers, run), run_normalisation(run), resolve(algorithm), views=views
    )
