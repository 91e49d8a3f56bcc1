"""Index sets of the mediapipe face mesh (478 points with refined irises) that ohlora uses.

Left and right are the *subject's*, as in mediapipe: the subject's left eye appears on the
viewer's right (larger x in a non-mirrored image). Every polygon is an ordered, closed cycle
(the last point joins the first) taken from mediapipe's published connection sets
(`FACEMESH_LEFT_EYE`, `FACEMESH_LIPS`, `FACEMESH_FACE_OVAL`, ...); the tests check each
consecutive pair against those sets, so this module needs no mediapipe import.
"""

from __future__ import annotations

import numpy as np

N_LANDMARKS = 478  # 468 mesh points + 10 iris points (refine_landmarks=True)

# Eye contours, starting at the outer corner, along the upper lid to the inner corner, back
# along the lower lid.
RIGHT_EYE = (33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7)
LEFT_EYE = (263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249)
RIGHT_EYE_CORNERS = (33, 133)  # (outer, inner)
LEFT_EYE_CORNERS = (263, 362)

RIGHT_IRIS = (469, 470, 471, 472)
LEFT_IRIS = (474, 475, 476, 477)

# Lips: the outer contour and the inner contour (the mouth opening), each a closed cycle.
LIPS_OUTER = (
    61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146,
)  # fmt: skip
LIPS_INNER = (
    78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95,
)  # fmt: skip
MOUTH_CORNERS = (61, 291)  # outer corners (subject's right, left)
INNER_MOUTH_CORNERS = (78, 308)
# Upper / lower lip: the outer chain from corner to corner, then the inner chain back.
UPPER_LIP = (
    61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291,
    308, 415, 310, 311, 312, 13, 82, 81, 80, 191, 78,
)  # fmt: skip
LOWER_LIP = (
    61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291,
    308, 324, 318, 402, 317, 14, 87, 178, 88, 95, 78,
)  # fmt: skip

FACE_OVAL = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)  # fmt: skip

# The nose: mediapipe's FACEMESH_NOSE points (bridge from between the eyes to the tip, both
# alae, the columella) plus the sides of the bridge. Its region is the convex hull of these
# points, which is a closed, non-degenerate polygon for any real face.
NOSE = (
    168, 6, 197, 195, 5, 4, 1, 19, 94, 2, 97, 98, 64, 48, 115, 220, 45, 326, 327, 294, 278,
    344, 440, 275, 122, 351, 196, 419, 3, 248,
)  # fmt: skip
NOSE_TIP = 1

CHIN = 152  # lowest point of the face oval on the midline
FOREHEAD = 10  # highest point of the face oval on the midline
# The lower jaw line, from the subject's right to left, through the chin.
JAW = (132, 58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397, 288, 361)

# Points on the face's vertical midline, top to bottom (for the head's up axis).
MIDLINE_TOP = (10, 151, 9)
MIDLINE_BOTTOM = (152, 175, 199)

# Mirror pairs (subject's right, subject's left): the head's left-right axis. Only points on
# the rigid skull (oval, eye corners, nose alae); no lips or lids, which move with expression.
MIRROR_PAIRS = (
    (33, 263), (133, 362),  # eye corners
    (98, 327), (64, 294), (48, 278), (115, 344),  # nose alae
    (109, 338), (67, 297), (103, 332), (54, 284), (21, 251), (162, 389), (127, 356),
    (234, 454), (93, 323), (132, 361), (58, 288), (172, 397), (136, 365), (150, 379),
    (149, 378), (176, 400), (148, 377),  # face oval
)  # fmt: skip

POLYGONS: dict[str, tuple[int, ...]] = {
    "right_eye": RIGHT_EYE,
    "left_eye": LEFT_EYE,
    "right_iris": RIGHT_IRIS,
    "left_iris": LEFT_IRIS,
    "lips_outer": LIPS_OUTER,
    "lips_inner": LIPS_INNER,
    "upper_lip": UPPER_LIP,
    "lower_lip": LOWER_LIP,
    "face_oval": FACE_OVAL,
}


def polygon(landmarks: np.ndarray, indices: tuple[int, ...]) -> np.ndarray:
    """The 2-D (x, y) points of `indices`, in order: float32 (len(indices), 2)."""
    assert landmarks.shape == (N_LANDMARKS, 3), landmarks.shape
    return np.asarray(landmarks[list(indices), :2], np.float32)


def hull(landmarks: np.ndarray, indices: tuple[int, ...]) -> np.ndarray:
    """The convex hull of the 2-D points of `indices`, as an ordered polygon (counter-clockwise
    in x-right, y-down image axes as drawn by OpenCV)."""
    import cv2

    pts = polygon(landmarks, indices)
    return cv2.convexHull(pts).reshape(-1, 2).astype(np.float32)


def area(points: np.ndarray) -> float:
    """Unsigned area of a closed 2-D polygon, or of a planar-ish 3-D polygon (vector area)."""
    p = np.asarray(points, np.float64)
    q = np.roll(p, -1, axis=0)
    if p.shape[1] == 2:
        return float(abs(np.sum(p[:, 0] * q[:, 1] - q[:, 0] * p[:, 1])) / 2.0)
    return float(np.linalg.norm(np.cross(p, q).sum(axis=0)) / 2.0)
