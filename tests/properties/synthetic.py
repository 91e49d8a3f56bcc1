"""Synthetic class maps and landmark arrays with known answers."""

from __future__ import annotations

import math

import numpy as np

from ohlora.faces import landmarks as L

S = 256


def blank(value: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(class map, image): all background, mid-grey image."""
    return np.full((S, S), value, np.uint8), np.full((S, S, 3), 128, np.uint8)


def rotated_rect(
    cmap: np.ndarray,
    centre: tuple[float, float],
    width: float,
    height: float,
    degrees: float,
    value: int,
) -> None:
    """Paint the pixels whose centres lie in a rectangle turned by `degrees` (y down)."""
    t = math.radians(degrees)
    along = np.array([math.cos(t), math.sin(t)])
    normal = np.array([-math.sin(t), math.cos(t)])
    ys, xs = np.mgrid[0 : cmap.shape[0], 0 : cmap.shape[1]]
    d = np.stack([xs - centre[0], ys - centre[1]], -1)
    inside = (np.abs(d @ along) <= width / 2) & (np.abs(d @ normal) <= height / 2)
    cmap[inside] = value


def ellipse_points(n: int, a: float, b: float) -> np.ndarray:
    """n points on an ellipse (semi-axes a along x, b along y) at equal parameter steps,
    starting at (-a, 0), going over the top (y < 0, upwards in the image) to (a, 0)."""
    k = np.arange(n)
    angle = math.pi - 2 * math.pi * k / n
    return np.stack([a * np.cos(angle), -b * np.sin(angle), np.zeros(n)], axis=1)


def face(
    eye_height: float = 6.0,
    eye_width: float = 30.0,
    inner_gap: float = 10.0,
    inner_width: float = 36.0,
    mouth_width: float = 50.0,
    seed: int = 0,
) -> np.ndarray:
    """A frontal, left-right symmetric synthetic mesh (478 x 3, y down, z away, face at z<=0):
    elliptic eyes and inner lips of known size, mirror pairs symmetric about x = 0, a
    vertical midline."""
    rng = np.random.default_rng(seed)
    lm = np.zeros((L.N_LANDMARKS, 3))
    for pair in L.MIRROR_PAIRS:
        x, y, z = rng.uniform(10, 80), rng.uniform(-60, 80), rng.uniform(-30, 10)
        lm[pair[0]] = (-x, y, z)
        lm[pair[1]] = (x, y, z)
    for i in L.MIDLINE_TOP:
        lm[i] = (0, -100 + rng.uniform(-5, 5), -20)
    for i in L.MIDLINE_BOTTOM:
        lm[i] = (0, 110 + rng.uniform(-5, 5), -20)
    # eyes: contour from the outer corner over the upper lid; the right eye's outer corner is
    # on the viewer's left (x < 0), the left eye's on the viewer's right
    right = ellipse_points(16, eye_width / 2, eye_height / 2) + np.array([-45, 0, -10])
    left = ellipse_points(16, eye_width / 2, eye_height / 2) * (-1, 1, 1) + np.array([45, 0, -10])
    lm[list(L.RIGHT_EYE)] = right
    lm[list(L.LEFT_EYE)] = left
    lm[list(L.LIPS_INNER)] = ellipse_points(20, inner_width / 2, inner_gap / 2) + np.array(
        [0, 60, -12]
    )
    lm[L.MOUTH_CORNERS[0]] = (-mouth_width / 2, 60, -8)
    lm[L.MOUTH_CORNERS[1]] = (mouth_width / 2, 60, -8)
    return lm


def rotation(yaw: float = 0.0, roll: float = 0.0, pitch: float = 0.0) -> np.ndarray:
    """Head rotation in image axes (x right, y down, z away): roll about the face's own look
    axis (> 0 leans the head clockwise as the viewer sees it), then pitch about the x axis,
    then yaw about the vertical axis (> 0 turns the look direction (0, 0, -1) towards +x, the
    viewer's right)."""
    y, r, p = (math.radians(v) for v in (yaw, roll, pitch))
    ry = np.array([[math.cos(y), 0, -math.sin(y)], [0, 1, 0], [math.sin(y), 0, math.cos(y)]])
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    return ry @ rx @ rz


def posed(lm: np.ndarray, yaw=0.0, roll=0.0, pitch=0.0, scale=1.0, shift=(128, 120, 0)):
    return (lm @ rotation(yaw, roll, pitch).T) * scale + np.asarray(shift, float)
