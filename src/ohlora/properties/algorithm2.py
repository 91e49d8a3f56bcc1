"""Spec 2.2, algorithm 2: the improved class-map scores (FineTune-v2..v4 used these).

* pose: the tilt of the line between the two eye centroids, in degrees, > 0 when the head
  leans clockwise as the viewer sees it (the eye on the viewer's right is lower). That is the
  sign algorithm 1's nose rule gives a pure tilt, so the two agree. It measures roll, not
  yaw: on the embedded generator's faces it is nearly uncorrelated with the mesh's yaw, which
  is why the landmark variant is the default for pose.
* eyes: per eye, the extent of its pixels perpendicular to that line (max - min of their
  projections on the line's normal, so a tilted head is measured like an upright one); the
  mean over the eyes present.
* hair_color: each hair pixel's mean of R, G, B; the lowest and highest 10% dropped; the mean
  of the middle 80% (NaN without hair).
* hair_length: ignoring the top quarter of the image, the number of rows holding at least
  `HAIR_ROW_FRACTION` x width hair pixels (15%: 39 pixels at 256). On these tightly cropped
  faces hair beside the cheeks reaches that width only where it falls past the ears; thin
  wisps and stray mislabelled pixels do not. (At 5% nearly half the faces saturate at the
  maximum of 3/4 of the rows.)
* mouth: inner / (inner + lips) pixel counts (NaN when neither is present).
* background_mean / background_std: as algorithm 1.
"""

from __future__ import annotations

import math

import numpy as np

from ohlora.faces.classmap import HAIR, INNER_MOUTH, LEFT_EYE, LOWER_LIP, RIGHT_EYE, UPPER_LIP
from ohlora.properties import algorithm1

HAIR_TRIM = 0.10
HAIR_ROW_FRACTION = 0.15
HAIR_IGNORE_TOP = 0.25


def _coords(mask: np.ndarray) -> np.ndarray:
    rows, cols = np.nonzero(mask)
    return np.stack([cols, rows], axis=1).astype(np.float64)  # (x, y), y down


def eye_tilt(cmap: np.ndarray) -> float:
    """Tilt of the eye line in degrees, NaN unless both eyes are present.

    The line runs from the subject's right eye (viewer's left) to the subject's left eye
    (viewer's right); with y counted downwards, the tilt is > 0 when the eye on the viewer's
    right is lower, i.e. the head leans clockwise as the viewer sees it.
    """
    right, left = _coords(cmap == RIGHT_EYE), _coords(cmap == LEFT_EYE)
    if len(right) == 0 or len(left) == 0:
        return float("nan")
    dx, dy = left.mean(axis=0) - right.mean(axis=0)
    return math.degrees(math.atan2(dy, dx))


def eye_opening(cmap: np.ndarray, tilt_degrees: float) -> float:
    """Mean over the eyes of their extent perpendicular to a line at `tilt_degrees`."""
    t = math.radians(tilt_degrees)
    normal = np.array([-math.sin(t), math.cos(t)])
    heights = []
    for c in (LEFT_EYE, RIGHT_EYE):
        pts = _coords(cmap == c)
        if len(pts):
            proj = pts @ normal
            heights.append(float(proj.max() - proj.min()))
    return float(np.mean(heights)) if heights else float("nan")


def hair_length(cmap: np.ndarray) -> float:
    """Rows below the top quarter holding at least HAIR_ROW_FRACTION x width hair pixels."""
    h, w = cmap.shape
    per_row = np.count_nonzero(cmap[int(h * HAIR_IGNORE_TOP) :] == HAIR, axis=1)
    return float(np.count_nonzero(per_row >= math.ceil(HAIR_ROW_FRACTION * w)))


def hair_color(cmap: np.ndarray, image: np.ndarray) -> float:
    """Mean of the middle 80% of the hair pixels' R, G, B means (NaN without hair)."""
    kept = algorithm1.trimmed(algorithm1.pixel_brightness(image, cmap == HAIR), HAIR_TRIM)
    return float(kept.mean()) if len(kept) else float("nan")


def mouth_share(cmap: np.ndarray) -> float:
    """inner / (inner + upper lip + lower lip) pixel counts."""
    inner = np.count_nonzero(cmap == INNER_MOUTH)
    lips = np.count_nonzero((cmap == UPPER_LIP) | (cmap == LOWER_LIP))
    return inner / (inner + lips) if inner + lips else float("nan")


def scores(cmap: np.ndarray, image: np.ndarray) -> dict[str, float]:
    """The seven algorithm-2 scores of one face (class map + the analysed image)."""
    algorithm1.check_inputs(cmap, image)
    tilt = eye_tilt(cmap)
    bg_mean, bg_std = algorithm1.background(cmap, image)
    return {
        "eyes": eye_opening(cmap, tilt if np.isfinite(tilt) else 0.0),
        "mouth": mouth_share(cmap),
        "pose": tilt,
        "hair_color": hair_color(cmap, image),
        "hair_length": hair_length(cmap),
        "background_mean": bg_mean,
        "background_std": bg_std,
    }
