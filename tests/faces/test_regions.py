"""Region masks from planted landmarks: where the boxes sit, how they grow, when there is none."""

from __future__ import annotations

import numpy as np

from ohlora.faces.analysis import FaceAnalysis
from ohlora.faces.landmarks import N_LANDMARKS
from ohlora.faces.regions import REGION_POINTS, RegionShape, box_mask, region_box, region_mask

SIZE = 256


def _analysis(landmarks: np.ndarray | None) -> FaceAnalysis:
    image = np.zeros((SIZE, SIZE, 3), np.uint8)
    return FaceAnalysis(image, landmarks, np.zeros((SIZE, SIZE), np.float32))


def _planted() -> np.ndarray:
    """Landmarks with the eyes (and brows) in the box x 64..192, y 64..96 and the lips in
    x 96..160, y 160..192; every other point at the centre."""
    lm = np.full((N_LANDMARKS, 3), SIZE / 2, np.float32)
    eyes = list(REGION_POINTS["eyes"])
    lm[eyes, 0] = np.linspace(64, 192, len(eyes))
    lm[eyes, 1] = np.linspace(64, 96, len(eyes))
    lips = list(REGION_POINTS["mouth"])
    lm[lips, 0] = np.linspace(96, 160, len(lips))
    lm[lips, 1] = np.linspace(160, 192, len(lips))
    return lm


def test_boxes_hold_their_points_with_the_padding():
    shape = RegionShape(pad=0.25, mouth_drop=0.5)
    eyes = region_box(_planted(), SIZE, "eyes", shape) * SIZE
    assert np.allclose(eyes, [64 - 32, 64 - 8, 192 + 32, 96 + 8])
    mouth = region_box(_planted(), SIZE, "mouth", shape) * SIZE
    # the mouth box also drops by half the lips' height, for an opening jaw
    assert np.allclose(mouth, [96 - 16, 160 - 8, 160 + 16, 192 + 8 + 16])


def test_masks_are_one_inside_and_zero_far_outside():
    shape = RegionShape()
    m = region_mask(_analysis(_planted()), ("mouth",), 16, shape)
    assert m is not None and m.shape == (16, 16)
    assert m[10, 8] > 0.8  # the lips' centre (y 176 / 256 * 16 = 11)
    assert m[2, 8] < 0.05 and m[10, 0] < 0.05 and m.max() <= 1.0
    both = region_mask(_analysis(_planted()), ("eyes", "mouth"), 16, shape)
    assert both[5, 8] > 0.8 and both[10, 8] > 0.8  # eyes and mouth
    assert region_mask(_analysis(None), ("eyes",), 16, shape) is None


def test_box_mask_resizes_to_any_feature_size():
    box = np.array([0.25, 0.25, 0.75, 0.75], np.float32)
    for res in (8, 16, 32):
        m = box_mask(box, res, RegionShape())
        assert m.shape == (res, res) and m[res // 2, res // 2] > 0.9 and m[0, 0] < 0.05
