"""The landmark variant on synthetic meshes of known geometry, and its sign on real faces."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ohlora.faces import landmarks as L
from ohlora.properties import landmark
from tests.properties.synthetic import face, posed

EYE_FACTOR = 2 * math.sin(math.pi / 8)  # area / width^2 of a 16-point ellipse, per h / w


def test_eye_ratio_of_a_known_ellipse():
    lm = posed(face(eye_height=6.0, eye_width=30.0))
    assert landmark.eyes(lm) == pytest.approx(EYE_FACTOR * 6.0 / 30.0, rel=1e-9)
    lm2 = posed(face(eye_height=12.0, eye_width=30.0))
    assert landmark.eyes(lm2) == pytest.approx(2 * landmark.eyes(lm), rel=1e-9)


def test_mouth_ratio_of_a_known_ellipse():
    lm = posed(face(inner_gap=10.0, inner_width=36.0, mouth_width=50.0))
    expected = 5 * (10.0 / 2) * math.sin(math.pi / 10) / 50.0  # area / inner width / width
    assert landmark.mouth(lm) == pytest.approx(expected, rel=1e-9)
    closed = posed(face(inner_gap=0.0))
    assert landmark.mouth(closed) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("yaw", "roll", "pitch", "scale"),
    [(0, 0, 0, 1.0), (25, 0, 0, 1.0), (-40, 10, 0, 2.5), (15, -20, 12, 0.6), (0, 30, -15, 1.3)],
)
def test_ratios_do_not_change_with_pose_scale_or_position(yaw, roll, pitch, scale):
    base = face()
    lm = posed(base, yaw, roll, pitch, scale, shift=(100, 140, 7))
    assert landmark.eyes(lm) == pytest.approx(landmark.eyes(posed(base)), rel=1e-9)
    assert landmark.mouth(lm) == pytest.approx(landmark.mouth(posed(base)), rel=1e-9)


@pytest.mark.parametrize("yaw", [-60, -35, -10, -2, 0, 3, 20, 45, 70])
@pytest.mark.parametrize(("roll", "pitch"), [(0, 0), (15, 0), (-25, 10), (8, -15)])
def test_yaw_recovered_with_sign(yaw, roll, pitch):
    lm = posed(face(seed=3), yaw=yaw, roll=roll, pitch=pitch, scale=1.7)
    measured = landmark.yaw(lm)
    assert measured == pytest.approx(yaw, abs=1e-6)
    # > 0 when the look direction (the nose) points to the viewer's right
    _, _, look = landmark.head_axes(lm)
    assert np.sign(measured) == np.sign(look[0]) or yaw == 0


def test_no_face_is_nan():
    s = landmark.scores(None)
    assert set(s) == {"eyes", "mouth", "pose"} and all(math.isnan(v) for v in s.values())


@pytest.mark.slow
def test_pose_sign_on_real_faces(real_analyses, analyzer):
    found = [a for a in real_analyses if a.found]
    yaws = np.array([landmark.yaw(a.landmarks) for a in found])
    # the nose tip lies on the side the face looks to: right of the face's edges' midpoint
    # for a positive yaw
    tip = np.array([a.landmarks[L.NOSE_TIP, 0] for a in found])
    mid = np.array([(a.landmarks[234, 0] + a.landmarks[454, 0]) / 2 for a in found])
    turned = np.abs(yaws) > 15
    assert turned.sum() >= 8
    assert (np.sign(yaws[turned]) == np.sign(tip - mid)[turned]).mean() > 0.9
    # a mirrored face turns the other way, by about as much
    flipped = [analyzer.analyse_one(a.image[:, ::-1].copy()) for a in found[:16]]
    pairs = [
        (y, landmark.yaw(f.landmarks)) for y, f in zip(yaws[:16], flipped, strict=True) if f.found
    ]
    y0, y1 = np.array(pairs).T
    assert np.corrcoef(y0, -y1)[0, 1] > 0.9
    assert (np.sign(y0) != np.sign(y1))[np.abs(y0) > 10].all()
