"""The landmark-precise variant of eyes, mouth and pose, read from the 3-D face mesh.

Working on the mesh's 3-D points (x, y in pixels, z mediapipe's depth on the same scale)
rather than on class-map pixels removes rasterisation steps and makes the ratios independent
of the face's size, position, in-plane tilt and, as far as the mesh's depth is right, of head
turns (a turned eye is foreshortened in 2-D but not in 3-D).

* eyes: per eye, the mean lid opening over the eye width: (area of the 16-point eye contour /
  corner-to-corner width) / width. The area is the contour's vector area, so the opening is
  measured perpendicular to the eye's own axis whatever the head's rotation. Mean of both.
  For an elliptical eye of height h and width w it is 2 sin(pi/8) h / w (about 0.765 h / w).
* mouth: the mean gap between the inner lips over the mouth width: (area of the inner-lip
  contour / inner corner distance) / outer corner distance (61-291). 0 for a closed mouth.
* pose: head yaw in degrees, > 0 when the nose points to the viewer's right. The head's
  left-right axis is the sum of the mirror-pair vectors (subject's left point minus right
  point, `MIRROR_PAIRS`: eye corners, nose alae, face oval), its up axis runs from the chin to
  the forehead (made perpendicular to the first), and their cross product is the direction
  the face looks; yaw = atan2(look_x, -look_z).
"""

from __future__ import annotations

import math

import numpy as np

from ohlora.faces import landmarks as L


def _dist(landmarks: np.ndarray, a: int, b: int) -> float:
    return float(np.linalg.norm(landmarks[a].astype(np.float64) - landmarks[b]))


def eye_ratio(landmarks: np.ndarray, contour: tuple[int, ...], corners: tuple[int, int]) -> float:
    """One eye's mean opening over its width (3-D)."""
    width = _dist(landmarks, *corners)
    if width <= 0:
        return float("nan")
    return L.area(landmarks[list(contour)]) / width / width


def eyes(landmarks: np.ndarray) -> float:
    """Mean of both eyes' opening / width ratios."""
    return 0.5 * (
        eye_ratio(landmarks, L.LEFT_EYE, L.LEFT_EYE_CORNERS)
        + eye_ratio(landmarks, L.RIGHT_EYE, L.RIGHT_EYE_CORNERS)
    )


def mouth(landmarks: np.ndarray) -> float:
    """Mean inner-lip gap over the mouth width (3-D)."""
    inner_width = _dist(landmarks, *L.INNER_MOUTH_CORNERS)
    width = _dist(landmarks, *L.MOUTH_CORNERS)
    if inner_width <= 0 or width <= 0:
        return float("nan")
    return L.area(landmarks[list(L.LIPS_INNER)]) / inner_width / width


def head_axes(landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit (left, up, look) axes of the head in image space (x right, y down, z away).

    left: from the subject's right to left; up: from the chin to the forehead; look: the
    direction the face looks (towards the camera, -z, for a frontal face).
    """
    p = landmarks.astype(np.float64)
    pairs = np.array(L.MIRROR_PAIRS)
    left = (p[pairs[:, 1]] - p[pairs[:, 0]]).sum(axis=0)
    left /= max(np.linalg.norm(left), 1e-9)
    up = p[list(L.MIDLINE_TOP)].mean(axis=0) - p[list(L.MIDLINE_BOTTOM)].mean(axis=0)
    up -= (up @ left) * left
    up /= max(np.linalg.norm(up), 1e-9)
    look = np.cross(left, up)
    return left, up, look


def yaw(landmarks: np.ndarray) -> float:
    """Head yaw in degrees: > 0 when the nose points to the viewer's right."""
    _, _, look = head_axes(landmarks)
    return math.degrees(math.atan2(look[0], -look[2]))


def scores(landmarks: np.ndarray | None) -> dict[str, float]:
    """landmark.eyes, .mouth, .pose of one face (all NaN when no face was found)."""
    if landmarks is None:
        return {"eyes": float("nan"), "mouth": float("nan"), "pose": float("nan")}
    assert landmarks.shape == (L.N_LANDMARKS, 3), landmarks.shape
    return {"eyes": eyes(landmarks), "mouth": mouth(landmarks), "pose": yaw(landmarks)}
