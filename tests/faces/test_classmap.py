"""The class map on real faces, the hair/neck rule, and colourising."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ohlora.faces import classmap as C
from ohlora.faces import landmarks as L


@pytest.mark.slow
def test_real_faces_have_skin_eyes_nose_and_lips(real_analyses):
    found = [a for a in real_analyses if a.found]
    for a in found:
        cmap = C.class_map(a)
        assert cmap.shape == (256, 256) and cmap.dtype == np.uint8
        present = set(np.unique(cmap).tolist())
        assert {C.SKIN, C.LEFT_EYE, C.RIGHT_EYE, C.NOSE, C.UPPER_LIP, C.LOWER_LIP} <= present
        assert cmap.max() < len(C.CLASSES)
        # the subject's left eye is drawn on the viewer's right
        lx = np.nonzero(cmap == C.LEFT_EYE)[1].mean()
        rx = np.nonzero(cmap == C.RIGHT_EYE)[1].mean()
        assert lx > rx
    assert np.mean([(C.class_map(a) == C.HAIR).any() for a in found]) > 0.9


def test_no_face_is_all_background(analyzer):
    a = analyzer.analyse_one(np.full((64, 64, 3), 128, np.uint8))
    assert not C.class_map(a).any()


@pytest.mark.slow
def test_neck_below_the_chin_is_not_hair_but_beside_it_is(real_analyses):
    # a real face moved up so that the neck shows, with a person mask over the whole image
    a = next(a for a in real_analyses if a.found and abs(_yaw(a)) < 15)
    lm = a.landmarks.copy()
    lm[:, 1] -= 70
    fake = dataclasses.replace(a, landmarks=lm, person=np.ones_like(a.person))
    cmap = C.class_map(fake)
    chin = lm[L.CHIN, :2]
    _, _, _, _, half = C.face_axes(lm)
    cx, cy = int(round(chin[0])), int(round(chin[1]))
    assert cmap[cy + 20, cx] == C.BACKGROUND  # neck
    assert cmap[255, cx] == C.BACKGROUND
    outside = int(round(cx + 1.2 * half))
    if outside < 256:
        assert cmap[cy + 20, outside] == C.HAIR  # beside the neck band
    face, neck = C.face_region(lm, 256), C.neck_mask(lm, 256)
    assert neck.sum() > 1000
    assert (cmap[neck & ~face] == C.BACKGROUND).all()
    assert (cmap[~neck & ~face] == C.HAIR).all()
    assert cmap[int(lm[L.NOSE_TIP, 1]), int(lm[L.NOSE_TIP, 0])] == C.NOSE


def _yaw(a):
    from ohlora.properties.landmark import yaw

    return yaw(a.landmarks)


def test_colorize():
    cmap = np.arange(9, dtype=np.uint8).reshape(3, 3)
    rgb = C.colorize(cmap)
    assert rgb.shape == (3, 3, 3) and rgb.dtype == np.uint8
    assert (rgb[0, 0] == C.PALETTE[0]).all() and (rgb[2, 2] == C.PALETTE[C.HAIR]).all()
    assert len({tuple(c) for c in C.PALETTE}) == len(C.CLASSES)
    with pytest.raises(ValueError, match="expected < 9"):
        C.colorize(np.full((2, 2), 9, np.uint8))
