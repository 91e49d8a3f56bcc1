"""The landmark flow: no motion for the same face, the landmarks' own motion between them,
the frame pinned."""

from __future__ import annotations

import numpy as np

from ohlora.faces.flow import identity_grid, landmark_flow, warp_image

SIZE = 256


def _face(seed: int = 0) -> np.ndarray:
    """A cloud of 478 landmark-like points in the middle of a SIZE image."""
    rng = np.random.default_rng(seed)
    return np.c_[rng.uniform(80, 176, (478, 2)), np.zeros(478)].astype(np.float32)


def _cell_grid(res: int) -> np.ndarray:
    """Cell centres in image pixels, (res, res, 2)."""
    return (identity_grid(res) + 1) / 2 * SIZE


def test_the_same_face_does_not_move():
    lm = _face()
    grid = landmark_flow(lm, lm, SIZE, 8)
    assert grid.shape == (8, 8, 2) and grid.dtype == np.float32
    assert np.abs(grid - identity_grid(8)).max() < 1e-4


def test_each_cell_samples_where_its_part_of_the_face_was():
    src = _face()
    dst = src.copy()
    dst[:, 0] += 12.0  # the face moved 12 px to the right
    grid = landmark_flow(src, dst, SIZE, 16)
    where = (grid + 1) / 2 * SIZE  # the source pixel each target cell samples
    cells = _cell_grid(16)
    inside = (cells[..., 0] > 100) & (cells[..., 0] < 180) & (cells[..., 1] > 90)
    inside &= cells[..., 1] < 170
    moved = (where - cells)[inside]
    assert np.abs(moved[:, 0] + 12.0).max() < 1.0, moved[:, 0]
    assert np.abs(moved[:, 1]).max() < 1.0
    # the image's corners stay where they are
    assert np.abs(where[0, 0] - cells[0, 0]).max() < 4.0
    assert np.abs(where[-1, -1] - cells[-1, -1]).max() < 4.0


def test_a_warped_image_moves_with_its_landmarks():
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)
    lm = _face()
    # the same landmarks: the image comes back as it was
    assert np.array_equal(warp_image(image, lm, lm, SIZE), image)
    # the face moved 8 px (2 image pixels) right: the middle of the image follows it
    moved = lm.copy()
    moved[:, 0] += 8.0
    out = warp_image(image, lm, moved, SIZE).astype(int)
    assert np.abs(out[28:36, 30:38] - image[28:36, 28:36].astype(int)).mean() < 3.0
    assert np.abs(out[28:36, 30:38] - image[28:36, 30:38].astype(int)).mean() > 30.0
