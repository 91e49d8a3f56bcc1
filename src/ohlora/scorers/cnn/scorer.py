"""The property CNN as a scorer: uint8 images -> raw score columns, the mesh scorer's stand-in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from ohlora.errors import OhloraError
from ohlora.properties.normalise import Normalisation
from ohlora.scorers.base import Closing, Scores
from ohlora.scorers.cnn.folder import check_generator, folder_of_run, load, resolve_folder
from ohlora.scorers.cnn.network import PropertyCNN, for_inference, to_tensor

# An image whose pixel values span at most this range is blank: no face, `found` False.
BLANK_RANGE = 8


class CNNScorer(Closing):
    """uint8 images -> raw score columns with the property CNN: the mesh scorer's stand-in.

    `columns` are the seven `resolve("landmark")` columns, `score` returns raw units (the
    training normalisation inverted), so stores, meters and direction finding use it exactly
    like the mesh scorer. `score_torch` is the differentiable path (normalised units).
    """

    def __init__(
        self,
        model: PropertyCNN,
        normalisation: Normalisation,
        batch_size: int = 256,
        source: Path | None = None,
    ) -> None:
        self.model = model.eval()
        self._fast = for_inference(self.model)
        self.columns: list[str] = list(model.arch.columns)
        self.normalisation = normalisation
        self.resolution = model.arch.resolution
        self.batch_size = int(batch_size)
        self.source = source
        idx = normalisation._index(self.columns)
        self._mean = torch.tensor(normalisation.mean[idx], dtype=torch.float64)
        self._std = torch.tensor(normalisation.std[idx], dtype=torch.float64)

    @classmethod
    def from_dir(cls, folder: Path | str, generator: str | None = None) -> CNNScorer:
        """The CNN in `folder` (or a run's property_cnn/); with `generator`, refused unless it
        learned that generator's faces."""
        folder = resolve_folder(Path(folder))
        model, norm, cfg = load(folder)
        check_generator(cfg, folder, generator)
        return cls(model, norm, source=folder)

    @classmethod
    def from_run(cls, run: Path | str | None) -> CNNScorer:
        """The CNN a run's store was sampled with, else the one trained in RUN/property_cnn."""
        if run is None:
            raise OhloraError("the CNN scorer needs a run directory (--run) holding its CNN")
        return cls.from_dir(folder_of_run(Path(run)))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Differentiable: images in [-1, 1], N x 3 x H x W -> normalised scores N x 7."""
        return self.model(images)

    score_torch = forward

    def score(self, images: np.ndarray, on_progress: Callable[[int], None] | None = None) -> Scores:
        """Score uint8 N x H x W x 3 images in batches; raw units, rows in input order."""
        images = np.asarray(images)
        r = self.resolution
        if images.ndim != 4 or images.shape[1:] != (r, r, 3) or images.dtype != np.uint8:
            raise OhloraError(
                f"the property CNN scores uint8 images N x {r} x {r} x 3 (its training "
                f"resolution), got {images.dtype} {tuple(images.shape)}"
            )
        n = len(images)
        out = np.empty((n, len(self.columns)), np.float32)
        with torch.inference_mode():
            for lo in range(0, n, self.batch_size):
                z = self._fast(to_tensor(images[lo : lo + self.batch_size])).double()
                out[lo : lo + len(z)] = (z * self._std + self._mean).numpy()
                if on_progress:
                    on_progress(len(z))
        span = images.reshape(n, -1).max(1).astype(np.int16) - images.reshape(n, -1).min(1)
        found = span > BLANK_RANGE
        out[~found] = np.nan
        return Scores(out, found, list(self.columns))
