"""Face analysis with mediapipe: the 478-point face mesh and the selfie (person) mask.

Faces from the embedded generator are 64 x 64, too small for mediapipe's detector, so every
image smaller than `size` is upscaled (bicubic) to size x size first; all outputs refer to
that analysed image. Landmarks are in its pixel units: x * S, y * S and z * S (mediapipe's
depth, smaller = nearer the camera, on roughly the same scale as x).

mediapipe is imported lazily (it is slow to import and installed with --no-deps).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ohlora.errors import OhloraError
from ohlora.faces.landmarks import N_LANDMARKS

INSTALL_HINT = "install it with `pip install --no-deps mediapipe==0.10.14` (or `make setup`)"


@dataclass
class FaceAnalysis:
    """What mediapipe sees in one image.

    image: the analysed uint8 S x S x 3 RGB image (upscaled where needed).
    landmarks: float32 478 x 3 in pixel units of `image`, or None when no face was found.
    person: float32 S x S in 0..1, the selfie segmenter's person probability.
    """

    image: np.ndarray
    landmarks: np.ndarray | None
    person: np.ndarray

    @property
    def found(self) -> bool:
        return self.landmarks is not None

    @property
    def size(self) -> int:
        return int(self.image.shape[0])


def _quiet_environment() -> None:
    """Ask mediapipe's C++ logging (glog/absl, TFLite) to keep warnings to itself."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    warnings.filterwarnings("ignore", message=r"SymbolDatabase\.GetPrototype")


@contextlib.contextmanager
def _silenced_stderr() -> Iterator[None]:
    """Send the process's fd 2 to a temporary file while mediapipe builds and warms its graphs
    (their one-off C++ notices bypass the log levels); replay it if something fails."""
    try:
        saved = os.dup(2)
    except OSError:  # no usable stderr: nothing to silence
        yield
        return
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            sink.seek(0)
            os.write(2, sink.read()[-4000:])
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _import_mediapipe() -> Any:
    _quiet_environment()
    try:
        import mediapipe as mp
    except ImportError as e:
        raise OhloraError(f"face analysis needs mediapipe ({e}): {INSTALL_HINT}") from None
    return mp


class FaceAnalyzer:
    """mediapipe FaceMesh (static images, refined landmarks, one face) + SelfieSegmentation.

    Build once and reuse: graph construction takes about a second. Not thread-safe; give each
    process its own (see `ohlora.scorers.mesh.scorer.MeshScorer`).
    """

    def __init__(self, size: int = 256, min_detection_confidence: float = 0.5) -> None:
        if size < 64:
            raise OhloraError(f"analysis size {size} is too small: use 64 or more (default 256)")
        self.size = int(size)
        import cv2

        self._cv2 = cv2
        mp = _import_mediapipe()
        with _silenced_stderr():
            self._mesh = mp.solutions.face_mesh.FaceMesh(
                static_image_mode=True,
                refine_landmarks=True,
                max_num_faces=1,
                min_detection_confidence=min_detection_confidence,
            )
            self._selfie = mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0)
            # the first inference prints the delegate's notices: run it here, quietly
            warm = np.full((self.size, self.size, 3), 128, np.uint8)
            self._mesh.process(warm)
            self._selfie.process(warm)

    def prepare(self, image: np.ndarray) -> np.ndarray:
        """The image mediapipe analyses: upscaled (bicubic) to size x size when smaller."""
        assert image.ndim == 3 and image.shape[2] == 3 and image.dtype == np.uint8, (
            image.shape,
            image.dtype,
        )
        h, w = image.shape[:2]
        if h == w == self.size:
            return image.copy()  # the analysis keeps it: never a view of the caller's batch
        if h != w:
            raise OhloraError(f"face images must be square, got {w} x {h}: crop them first")
        interp = self._cv2.INTER_CUBIC if h < self.size else self._cv2.INTER_AREA
        return self._cv2.resize(image, (self.size, self.size), interpolation=interp)

    def analyse_one(self, image: np.ndarray) -> FaceAnalysis:
        """Analyse one uint8 H x W x 3 RGB image."""
        img = self.prepare(image)
        mesh = self._mesh.process(img)
        seg = self._selfie.process(img).segmentation_mask
        person = np.clip(np.asarray(seg, np.float32), 0.0, 1.0)
        assert person.shape == (self.size, self.size), person.shape
        return FaceAnalysis(image=img, landmarks=self._landmarks(mesh), person=person)

    def landmarks_of(self, image: np.ndarray) -> np.ndarray | None:
        """The mesh landmarks (478 x 3, pixels of the analysed size) of one uint8 RGB image,
        or None: `analyse_one` without the person mask, for callers that need only geometry."""
        return self._landmarks(self._mesh.process(self.prepare(image)))

    def _landmarks(self, mesh: Any) -> np.ndarray | None:
        if not mesh.multi_face_landmarks:
            return None
        pts = mesh.multi_face_landmarks[0].landmark
        landmarks = np.array([(p.x, p.y, p.z) for p in pts], np.float32) * self.size
        assert landmarks.shape == (N_LANDMARKS, 3), landmarks.shape
        return landmarks

    def analyse(self, images: np.ndarray) -> list[FaceAnalysis]:
        """Analyse uint8 N x H x W x 3 RGB images, in order."""
        images = np.asarray(images)
        if images.ndim != 4 or images.shape[-1] != 3 or images.dtype != np.uint8:
            raise OhloraError(
                f"face analysis expects uint8 images N x H x W x 3, got {images.dtype} "
                f"{tuple(images.shape)}"
            )
        return [self.analyse_one(im) for im in images]

    def close(self) -> None:
        for graph in (getattr(self, "_mesh", None), getattr(self, "_selfie", None)):
            if graph is not None:
                with contextlib.suppress(Exception):
                    graph.close()

    def __enter__(self) -> FaceAnalyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
