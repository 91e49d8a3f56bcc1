"""Soft masks of a face's regions (eyes with brows, mouth, the whole person), from mediapipe's
landmarks and person mask, at any feature-map size.

A region-local edit takes the edited face only inside these masks; their shape decides what
the edit may touch. Eyes: the box around both eyes and brows; mouth: the box around the outer
lips, extended downwards by half its height so that an opening jaw stays inside. Boxes grow
by `pad` of their size on each side and are blurred so that the blend leaves no seam.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ohlora.faces import landmarks as L
from ohlora.faces.analysis import FaceAnalysis

BROWS = (70, 63, 105, 66, 107, 336, 296, 334, 293, 300)
REGION_POINTS = {
    "eyes": (*L.LEFT_EYE, *L.RIGHT_EYE, *BROWS),
    "mouth": L.LIPS_OUTER,
}
REGIONS = tuple(REGION_POINTS)
CANVAS = 64  # masks are drawn at this size, then resized to the feature map's


@dataclass(frozen=True)
class RegionShape:
    """How large and how soft the region boxes are (shares of the box size, of the canvas)."""

    pad: float = 0.25  # growth of each box side, as a share of the box's size
    mouth_drop: float = 0.5  # extra room below the lips, as a share of their height
    blur: float = 1 / 16  # Gaussian sigma, as a share of the canvas


def region_box(landmarks: np.ndarray, size: int, region: str, shape: RegionShape) -> np.ndarray:
    """The region's padded box (x0, y0, x1, y1) in 0..1 image units."""
    pts = landmarks[list(REGION_POINTS[region]), :2] / size
    lo, hi = pts.min(0), pts.max(0)
    extent = hi - lo
    lo, hi = lo - shape.pad * extent, hi + shape.pad * extent
    if region == "mouth":
        hi[1] += shape.mouth_drop * extent[1]
    return np.concatenate([lo, hi]).astype(np.float32)


def box_mask(box: np.ndarray, res: int, shape: RegionShape) -> np.ndarray:
    """A soft res x res mask of a 0..1 box."""
    canvas = np.zeros((CANVAS, CANVAS), np.float32)
    x0, y0 = np.floor(box[:2] * CANVAS).astype(int)
    x1, y1 = np.ceil(box[2:] * CANVAS).astype(int)
    canvas[max(y0, 0) : min(y1, CANVAS), max(x0, 0) : min(x1, CANVAS)] = 1.0
    canvas = cv2.GaussianBlur(canvas, (0, 0), shape.blur * CANVAS)
    return np.clip(cv2.resize(canvas, (res, res), interpolation=cv2.INTER_AREA), 0.0, 1.0)


def region_mask(
    analysis: FaceAnalysis, regions: tuple[str, ...], res: int, shape: RegionShape
) -> np.ndarray | None:
    """The union of `regions`' soft masks (res x res), or None when no face was found."""
    if analysis.landmarks is None:
        return None
    out = np.zeros((res, res), np.float32)
    for r in regions:
        box = region_box(analysis.landmarks, analysis.size, r, shape)
        out = np.maximum(out, box_mask(box, res, shape))
    return out


def person_mask(analysis: FaceAnalysis, res: int) -> np.ndarray:
    """The selfie segmenter's person probability, res x res in 0..1."""
    return np.clip(
        cv2.resize(analysis.person, (res, res), interpolation=cv2.INTER_AREA), 0.0, 1.0
    ).astype(np.float32)
