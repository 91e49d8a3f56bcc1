"""Where each point of a posed face comes from in its unedited face, from their landmarks.

A pose edit moves the face's geometry and, on the embedded DCGAN, its identity with it. To
carry the unedited face's appearance into the new geometry (`ohlora.editing.local`), each
cell of the posed face's feature map needs the place in the unedited face that shows the same
part of the face. The mesh gives that place at its landmarks; between them a thin-plate
spline interpolates it, pinned to zero motion on a ring just outside the image so that the
frame itself does not move.

The result is a `torch.nn.functional.grid_sample` grid: (res, res, 2) of (x, y) in -1..1
(align_corners=False), one entry per cell of the posed face's map.
"""

from __future__ import annotations

import numpy as np
from scipy.interpolate import RBFInterpolator

EVERY = 3  # landmarks used: every third of the mesh's 478 (enough for a 64 px face)
SMOOTHING = 1.0  # thin-plate smoothing, in image pixels squared (mesh jitter of a pixel)
RING_POINTS = 12  # pinned points per side of the ring outside the image


def identity_grid(res: int) -> np.ndarray:
    """The grid that samples every cell from itself (no motion)."""
    c = (np.arange(res, dtype=np.float32) + 0.5) / res * 2 - 1
    xx, yy = np.meshgrid(c, c)
    return np.stack([xx, yy], -1)


def landmark_flow(source: np.ndarray, target: np.ndarray, image_size: int, res: int) -> np.ndarray:
    """The sampling grid (res, res, 2) that moves the `source` face's points onto the
    `target` face's: cell (y, x) of the target samples the source at grid[y, x].

    `source`, `target`: the same landmarks (L, >= 2) of both faces, in pixels of images of
    `image_size`.
    """
    assert source.shape == target.shape and source.ndim == 2, (source.shape, target.shape)
    s = float(image_size)
    sel = np.arange(0, len(source), EVERY)
    src, dst = source[sel, :2].astype(np.float64), target[sel, :2].astype(np.float64)
    margin = s / 8
    ring = np.linspace(-margin, s + margin, RING_POINTS)
    lo, hi = -margin, s + margin
    border = np.array(
        [(x, y) for x in ring for y in (lo, hi)] + [(x, y) for y in ring[1:-1] for x in (lo, hi)]
    )
    spline = RBFInterpolator(
        np.concatenate([dst, border]),
        np.concatenate([src - dst, np.zeros_like(border)]),
        kernel="thin_plate_spline",
        smoothing=SMOOTHING * (s / 64) ** 2,
    )
    centres = (np.arange(res) + 0.5) * s / res
    xx, yy = np.meshgrid(centres, centres)
    cells = np.stack([xx.ravel(), yy.ravel()], 1)
    where = cells + spline(cells)
    grid = (where / s * 2 - 1).reshape(res, res, 2).astype(np.float32)
    assert grid.shape == (res, res, 2)
    return grid


def warp_image(
    image: np.ndarray, source: np.ndarray, target: np.ndarray, image_size: int
) -> np.ndarray:
    """`image` (H, W, 3 uint8, the face whose landmarks are `source`) moved so that its
    landmarks land on `target`'s (both in pixels of images of `image_size`): the same pixels,
    the target's geometry. A reference for identity: nothing of the face is redrawn."""
    import torch
    import torch.nn.functional as F

    h = image.shape[0]
    assert image.ndim == 3 and image.shape[:2] == (h, h) and image.dtype == np.uint8, image.shape
    grid = torch.from_numpy(landmark_flow(source, target, image_size, h))[None]
    pixels = torch.from_numpy(image).permute(2, 0, 1)[None].float()
    out = F.grid_sample(pixels, grid, mode="bilinear", padding_mode="border", align_corners=False)
    return out[0].permute(1, 2, 0).round().clamp(0, 255).to(torch.uint8).numpy()
