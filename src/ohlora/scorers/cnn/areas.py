"""The image area each head of the property-score CNN looks at (spec 3.2), at any resolution.

Areas are fractions of the image side, (x0, x1, y0, y1), so the spec's boxes, given for
256 x 256, land on the same place of a 64 x 64 face (eyes: 128 x 48 at 256 px, 32 x 12 at
64 px). Two sets exist:

* `SPEC`: the original's areas exactly (spec 3.2 table).
* `CONTEXT` (the default): eyes, mouth and pose see a larger part of the face; the other four
  keep the spec's areas. At 64 px the spec's eyes strip is 12 px high and its mouth box ends
  above many open mouths' lower lip, so a face a few pixels off the average position is
  partly cut away. The figures that made this the default are in the README.

Background mean and std share one area (the upper half) and one head.
"""

from __future__ import annotations

import torch

from ohlora.errors import OhloraError

Area = tuple[float, float, float, float]  # x0, x1, y0, y1 as fractions of the side

SPEC: dict[str, Area] = {
    "eyes": (1 / 4, 3 / 4, 3 / 8, 9 / 16),
    "mouth": (3 / 8, 5 / 8, 5 / 8, 13 / 16),
    "pose": (11 / 32, 21 / 32, 7 / 16, 5 / 8),
    "hair_color": (0.0, 1.0, 0.0, 1.0),
    "hair_length": (0.0, 1.0, 1 / 2, 1.0),
    "background": (0.0, 1.0, 0.0, 1 / 2),
}

CONTEXT: dict[str, Area] = {
    **SPEC,
    "eyes": (3 / 16, 13 / 16, 5 / 16, 5 / 8),
    "mouth": (5 / 16, 11 / 16, 9 / 16, 15 / 16),
    "pose": (3 / 16, 13 / 16, 1 / 4, 13 / 16),
}

AREA_SETS: dict[str, dict[str, Area]] = {"spec": SPEC, "context": CONTEXT}
DEFAULT_AREA_SET = "context"


def area_set(name: str) -> dict[str, Area]:
    """The named set of areas ("spec" or "context")."""
    if name not in AREA_SETS:
        raise OhloraError(f"unknown area set {name!r}: use {' or '.join(AREA_SETS)}")
    return dict(AREA_SETS[name])


def box(area: Area, resolution: int) -> tuple[int, int, int, int]:
    """Pixel box (x0, x1, y0, y1), end exclusive, of an area at a resolution."""
    x0, x1, y0, y1 = area
    if not (0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1):
        raise OhloraError(f"area {area} is not inside the image (fractions 0..1, start < end)")
    r = int(resolution)
    return round(x0 * r), round(x1 * r), round(y0 * r), round(y1 * r)


def crop(images: torch.Tensor, area: Area) -> torch.Tensor:
    """The area of N x 3 x H x W images (a view: differentiable, no copy)."""
    assert images.ndim == 4 and images.shape[1] == 3, images.shape
    assert images.shape[2] == images.shape[3], f"square images expected, got {images.shape}"
    x0, x1, y0, y1 = box(area, images.shape[2])
    return images[:, :, y0:y1, x0:x1]
