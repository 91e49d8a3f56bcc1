"""A FaceXFormer-style class map built from the mediapipe mesh and person mask.

Classes (value = index in `CLASSES`): background (everything that is none of the others,
including the neck and clothes), skin, the subject's left and right eye (left = the
subject's, drawn on the viewer's right), nose, upper and lower lip, inner mouth (the opening
between the inner lip contours) and hair.

Features are filled mesh polygons (`ohlora.faces.landmarks`), painted in this order so that
later ones win: the face (convex hull of all 478 mesh points, i.e. the face oval plus, on a
turned head, the near cheek and nose tip that stick out of it) as skin, the nose (convex hull
of the nose points), the eyes, the lips, the inner mouth.

Hair rule. The selfie mask does not tell hair from neck, clothes or a background it mistakes
for the person, so hair is approximated as: person mask > 0.5, minus the face, minus the neck
area. The face's vertical axis runs from the chin point (landmark 152) to the top of the
forehead (landmark 10); the chin line passes through the chin point perpendicular to that
axis. The neck area is every pixel beyond the chin line (further from the forehead than the
chin) within a band around the axis as wide as the face (`NECK_BAND` face half-widths each
side, the half-width being the largest distance of a face-oval point from the axis). Person
pixels beyond the chin line outside that band (hair falling beside the neck, but also
shoulders) stay hair. Known limits: skin above the mesh's forehead edge and ears count as
hair (a skin-colour rule, Lab distance to the face's own skin, was tried and dropped: it ate
blond and brown hair); a fringe inside the face counts as skin.
"""

from __future__ import annotations

import numpy as np

from ohlora.faces import landmarks as L
from ohlora.faces.analysis import FaceAnalysis

CLASSES = (
    "background",
    "skin",
    "left_eye",
    "right_eye",
    "nose",
    "upper_lip",
    "lower_lip",
    "inner_mouth",
    "hair",
)
BACKGROUND, SKIN, LEFT_EYE, RIGHT_EYE, NOSE, UPPER_LIP, LOWER_LIP, INNER_MOUTH, HAIR = range(9)

PALETTE = np.array(
    [
        (0, 0, 0),  # background
        (230, 180, 140),  # skin
        (40, 120, 255),  # left eye
        (0, 220, 255),  # right eye
        (255, 140, 0),  # nose
        (220, 30, 60),  # upper lip
        (255, 90, 160),  # lower lip
        (110, 0, 30),  # inner mouth
        (120, 200, 60),  # hair
    ],
    np.uint8,
)

PERSON_THRESHOLD = 0.5
NECK_BAND = 1.0  # half-width of the neck band, in face half-widths


def _fill(shape: tuple[int, int], points: np.ndarray) -> np.ndarray:
    import cv2

    mask = np.zeros(shape, np.uint8)
    # fixed-point coordinates (4 fractional bits) keep sub-pixel landmark positions
    pts = np.round(np.asarray(points, np.float64) * 16).astype(np.int32).reshape(-1, 1, 2)
    cv2.fillPoly(mask, [pts], 1, lineType=cv2.LINE_8, shift=4)
    return mask.astype(bool)


def face_axes(landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """(chin point, up unit vector, right unit vector, face height, face half-width) in image
    pixels: up runs from the chin to the forehead top, right is up turned 90 degrees
    clockwise (towards the viewer's right on an upright face)."""
    chin = landmarks[L.CHIN, :2].astype(np.float64)
    top = landmarks[L.FOREHEAD, :2].astype(np.float64)
    up = top - chin
    height = float(np.linalg.norm(up))
    up = up / max(height, 1e-6)
    right = np.array([-up[1], up[0]])
    oval = landmarks[list(L.FACE_OVAL), :2].astype(np.float64)
    half_width = float(np.abs((oval - chin) @ right).max())
    return chin, up, right, height, half_width


def neck_mask(landmarks: np.ndarray, size: int) -> np.ndarray:
    """The neck area of the hair rule (see the module docstring): bool size x size."""
    chin, up, right, _, half_width = face_axes(landmarks)
    side = NECK_BAND * half_width * right
    far = -2.0 * size * up  # past any image edge
    corners = np.array([chin - side, chin + side, chin + side + far, chin - side + far])
    return _fill((size, size), corners)


def face_region(landmarks: np.ndarray, size: int) -> np.ndarray:
    """The visible face: the convex hull of all mesh points (bool size x size).

    For a frontal face this is the face oval; for a turned face it also holds the near cheek
    and the nose tip, which stick out of the projected oval.
    """
    return _fill((size, size), L.hull(landmarks, tuple(range(L.N_LANDMARKS))))


def class_map(analysis: FaceAnalysis) -> np.ndarray:
    """uint8 S x S class indices for one analysed face (all background when none was found)."""
    s = analysis.size
    cmap = np.zeros((s, s), np.uint8)
    lm = analysis.landmarks
    if lm is None:
        return cmap
    shape = (s, s)
    face = face_region(lm, s)
    person = analysis.person > PERSON_THRESHOLD
    cmap[person & ~face & ~neck_mask(lm, s)] = HAIR
    cmap[face] = SKIN
    cmap[_fill(shape, L.hull(lm, L.NOSE))] = NOSE
    cmap[_fill(shape, L.polygon(lm, L.LEFT_EYE))] = LEFT_EYE
    cmap[_fill(shape, L.polygon(lm, L.RIGHT_EYE))] = RIGHT_EYE
    cmap[_fill(shape, L.polygon(lm, L.UPPER_LIP))] = UPPER_LIP
    cmap[_fill(shape, L.polygon(lm, L.LOWER_LIP))] = LOWER_LIP
    cmap[_fill(shape, L.polygon(lm, L.LIPS_INNER))] = INNER_MOUTH
    return cmap


def colorize(cmap: np.ndarray) -> np.ndarray:
    """uint8 RGB picture of a class map (PALETTE colours), for figures."""
    assert cmap.ndim == 2 and cmap.dtype == np.uint8, (cmap.shape, cmap.dtype)
    if cmap.max(initial=0) >= len(CLASSES):
        raise ValueError(f"class map holds values up to {cmap.max()}, expected < {len(CLASSES)}")
    return PALETTE[cmap]
