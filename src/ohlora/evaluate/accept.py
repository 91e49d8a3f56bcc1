"""Base-face acceptance for `ohlora evaluate --filter`: the run's classifiers judge fresh faces.

Evaluation faces are drawn fresh (never store rows), so a filter cannot look up stored
columns; it can only ask the gender and quality classifiers about the images themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from ohlora.classifiers.conditions import condition_mask, needed
from ohlora.classifiers.ensemble import GenderQuality
from ohlora.errors import OhloraError


def accept_by_filter(
    run: Path, filter_expr: str, classifiers: Path | None = None
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """A function (latents, uint8 images N x H x W x 3) -> bool mask of faces meeting the filter.

    Only gender and quality may be named (e.g. "gender>=0.5,quality>=0.5"); anything else is
    an error, as is a run without trained classifiers.
    """
    try:
        tasks = needed(filter_expr)
    except OhloraError as e:
        raise OhloraError(f"evaluate --filter: {e}") from None
    folder = Path(classifiers) if classifiers is not None else Path(run) / "classifiers"
    clf = GenderQuality.load(folder, tasks)

    def accept(latents: np.ndarray, images: np.ndarray) -> np.ndarray:
        assert images.ndim == 4 and images.shape[3] == 3 and images.dtype == np.uint8, (
            images.shape,
            images.dtype,
        )
        assert len(latents) == len(images), (len(latents), len(images))
        return condition_mask(clf.predict(images), filter_expr)

    return accept
