"""dlib analysis of one face image: the 68 landmarks, the 128-d identity descriptor, and the
eyes / mouth / pose readings the judge derives from the landmarks.

Faces of the embedded generator are 64 px, far below what dlib's models were trained on, so
each image is upscaled (bicubic) to 256 px first. dlib's HOG detector finds most of them;
where it finds none the face is taken from the fixed box where this generator's aligned faces
sit, and the reading is flagged as not detected (the judge still reports it: a judge that
skipped hard faces would flatter the edits).

The readings are the usual ones of the 68-point layout, not the mesh scorer's formulas:
eyes: eye aspect ratio (Soukupová and Čech 2016), mean of both eyes; mouth: inner-lip gap
(points 62-66) over the inner mouth width (60-64); pose: the nose tip's (30) offset between
the jaw ends (0, 16), as a share of the jaw width (positive: the nose nearer point 16).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ohlora import weights
from ohlora.errors import OhloraError

WEIGHTS = "dlib-face-judge"
SIZE = 256  # analysis size (px)
FALLBACK_BOX = (40, 56, 216, 232)  # left, top, right, bottom at 256 px
DESCRIPTOR_DIM = 128
READINGS = ("eyes", "mouth", "pose")
RAW_DIM = DESCRIPTOR_DIM + len(READINGS)
SAME_PERSON = 0.6  # dlib's published threshold for its descriptor distance


def readings(points: np.ndarray) -> np.ndarray:
    """(68, 2) landmarks -> (3,) eyes, mouth, pose readings (raw units)."""
    assert points.shape == (68, 2), points.shape

    def aspect(eye: np.ndarray) -> float:
        vertical = np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])
        return float(vertical / (2 * np.linalg.norm(eye[0] - eye[3])))

    eyes = (aspect(points[36:42]) + aspect(points[42:48])) / 2
    mouth = np.linalg.norm(points[62] - points[66]) / np.linalg.norm(points[60] - points[64])
    left, right, nose = points[0], points[16], points[30]
    pose = (np.linalg.norm(nose - left) - np.linalg.norm(nose - right)) / np.linalg.norm(
        right - left
    )
    return np.array([eyes, mouth, pose], np.float32)


class DlibFaces:
    """dlib's detector, 68-point shape predictor and ResNet descriptor, loaded once."""

    def __init__(self, folder: Path | None = None) -> None:
        try:
            import dlib
        except ImportError as e:
            raise OhloraError(
                f"the independent judge needs dlib ({e}): `pip install dlib-bin==20.0.1.post1` "
                "(or `make setup`)"
            ) from None
        import cv2

        self._dlib, self._cv2 = dlib, cv2
        shape = weights.raw_file(WEIGHTS, "shape_predictor_68_face_landmarks.dat")
        net = weights.raw_file(WEIGHTS, "dlib_face_recognition_resnet_model_v1.dat")
        if folder is not None:
            shape, net = folder / shape.name, folder / net.name
        self._detect = dlib.get_frontal_face_detector()
        self._shape = dlib.shape_predictor(str(shape))
        self._net = dlib.face_recognition_model_v1(str(net))
        self._fallback = dlib.rectangle(*FALLBACK_BOX)

    def analyse(
        self, images: np.ndarray, descriptors: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """uint8 (N, H, W, 3) -> raw (N, 128 + 3) float32 [descriptor, readings], detected (N,).
        `descriptors=False` leaves the descriptor zero (it costs ~90% of the time)."""
        assert images.ndim == 4 and images.shape[-1] == 3 and images.dtype == np.uint8
        raw = np.zeros((len(images), RAW_DIM), np.float32)
        detected = np.zeros(len(images), bool)
        for i, image in enumerate(images):
            big = np.ascontiguousarray(
                self._cv2.resize(image, (SIZE, SIZE), interpolation=self._cv2.INTER_CUBIC)
            )
            boxes = self._detect(big, 0)
            detected[i] = len(boxes) > 0
            box = max(boxes, key=lambda r: r.area()) if detected[i] else self._fallback
            shape = self._shape(big, box)
            points = np.array([[p.x, p.y] for p in shape.parts()], np.float32)
            if descriptors:
                raw[i, :DESCRIPTOR_DIM] = np.asarray(self._net.compute_face_descriptor(big, shape))
            raw[i, DESCRIPTOR_DIM:] = readings(points)
        return raw, detected
