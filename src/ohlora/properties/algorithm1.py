"""Spec 2.1, algorithm 1: the seven properties from a class map, without its colour bug.

Colours are read from the analysed image the class map belongs to (the original read them
from a differently cropped image). Units are pixels of the analysed image (S x S) and RGB
levels 0..255; the scores are z-normalised later, so only their order matters.

* eyes: per eye, max row - min row of its pixels; the mean over the eyes present.
* mouth: max row - min row of the inner-mouth pixels (0 when there are none: a closed mouth).
* pose: minus the correlation of the nose pixels' x (column) and y (row, counted downwards
  as in the image array), which is the spec's rule "correlation > 0 -> pose < 0" read in
  image coordinates. On these faces a positive correlation goes with a nose that points to
  the viewer's left (checked against the mesh's yaw on 475 faces, r = +0.49 after the sign),
  so pose > 0 when the nose points to the viewer's right, the project's convention. A tilted
  head moves it as well: leaning clockwise (as the viewer sees it) raises it.
* hair_length: the number of hair pixels in the bottom row.
* hair_color: the mean over hair pixels of each pixel's mean of R, G, B (NaN without hair).
* background_mean / background_std: see `background`.

A score that cannot be read (no pixels of the class) is NaN, never 0.
"""

from __future__ import annotations

import numpy as np

from ohlora.faces.classmap import (
    BACKGROUND,
    HAIR,
    INNER_MOUTH,
    LEFT_EYE,
    LOWER_LIP,
    NOSE,
    RIGHT_EYE,
    UPPER_LIP,
)

BACKGROUND_TRIM = 0.05  # share dropped at each end of the background brightness


def check_inputs(cmap: np.ndarray, image: np.ndarray) -> None:
    """Shape asserts shared by the class-map algorithms."""
    assert cmap.ndim == 2 and cmap.dtype == np.uint8, (cmap.shape, cmap.dtype)
    assert image.shape == (*cmap.shape, 3) and image.dtype == np.uint8, (
        image.shape,
        image.dtype,
    )


def pixel_brightness(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Each masked pixel's mean of R, G, B (float64, in row-major order)."""
    total = image[..., 0].astype(np.uint16) + image[..., 1] + image[..., 2]
    return total[mask] / 3.0


def trimmed(values: np.ndarray, share: float) -> np.ndarray:
    """`values` sorted, without the lowest and highest `share` of them (floor of the count)."""
    v = np.sort(np.asarray(values, np.float64))
    k = int(np.floor(len(v) * share))
    return v[k : len(v) - k]


def background(cmap: np.ndarray, image: np.ndarray) -> tuple[float, float]:
    """(mean, std) of background brightness in the image's upper half (spec 2.1).

    Over the background pixels of rows 0 .. S/2 - 1, take each pixel's mean of R, G, B, drop
    the lowest and highest 5% (robust to segmentation mistakes), and return the mean and the
    population standard deviation of the rest; NaN, NaN without background there.
    """
    check_inputs(cmap, image)
    half = cmap.shape[0] // 2
    mask = np.zeros(cmap.shape, bool)
    mask[:half] = cmap[:half] == BACKGROUND
    kept = trimmed(pixel_brightness(image, mask), BACKGROUND_TRIM)
    if len(kept) == 0:
        return float("nan"), float("nan")
    return float(kept.mean()), float(kept.std())


def vertical_extent(mask: np.ndarray) -> float:
    """max row - min row of the mask's pixels (NaN when empty)."""
    rows = np.flatnonzero(mask.any(axis=1))
    return float(rows[-1] - rows[0]) if len(rows) else float("nan")


def nose_correlation(cmap: np.ndarray) -> float:
    """corr(x, row) over the nose pixels (rows counted downwards); NaN for a degenerate nose."""
    rows, cols = np.nonzero(cmap == NOSE)
    if len(rows) < 3 or rows.std() == 0 or cols.std() == 0:
        return float("nan")
    return float(np.corrcoef(cols.astype(np.float64), rows.astype(np.float64))[0, 1])


def scores(cmap: np.ndarray, image: np.ndarray) -> dict[str, float]:
    """The seven algorithm-1 scores of one face (class map + the analysed image)."""
    check_inputs(cmap, image)
    eyes = [vertical_extent(cmap == c) for c in (LEFT_EYE, RIGHT_EYE)]
    eyes = [e for e in eyes if np.isfinite(e)]
    inner = cmap == INNER_MOUTH
    has_mouth = inner.any() or np.isin(cmap, (UPPER_LIP, LOWER_LIP)).any()
    mouth = vertical_extent(inner) if inner.any() else (0.0 if has_mouth else float("nan"))
    hair = cmap == HAIR
    bg_mean, bg_std = background(cmap, image)
    return {
        "eyes": float(np.mean(eyes)) if eyes else float("nan"),
        "mouth": mouth,
        "pose": -nose_correlation(cmap),
        "hair_color": float(pixel_brightness(image, hair).mean()) if hair.any() else float("nan"),
        "hair_length": float(np.count_nonzero(hair[-1])),
        "background_mean": bg_mean,
        "background_std": bg_std,
    }
