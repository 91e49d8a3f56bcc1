"""The mediapipe analyser on real generated faces, on a blank image, and without mediapipe."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from ohlora.errors import OhloraError
from ohlora.faces.analysis import FaceAnalysis, FaceAnalyzer


@pytest.mark.slow
def test_finds_most_generated_faces(real_images, real_analyses):
    assert len(real_analyses) == len(real_images) == 64
    found = [a for a in real_analyses if a.found]
    assert len(found) >= 0.85 * 64
    for a in real_analyses:
        assert a.image.shape == (256, 256, 3) and a.image.dtype == np.uint8
        assert a.person.shape == (256, 256) and a.person.dtype == np.float32
        assert a.person.min() >= 0.0 and a.person.max() <= 1.0
    for a in found:
        assert a.landmarks.shape == (478, 3) and a.landmarks.dtype == np.float32
        # pixel units of the analysed image: the face sits inside it
        xy = a.landmarks[:, :2]
        assert np.median(xy) > 50 and xy.max() < 320 and xy.min() > -64
    # the person mask covers the face centre
    assert np.mean([a.person[128, 128] > 0.5 for a in found]) > 0.9


def test_landmarks_alone_are_the_full_analysis_landmarks(analyzer, real_images):
    for image in real_images[:4]:
        full = analyzer.analyse_one(image).landmarks
        alone = analyzer.landmarks_of(image)
        assert (full is None) == (alone is None)
        if full is not None:
            assert np.array_equal(full, alone)
    assert analyzer.landmarks_of(np.full((64, 64, 3), 128, np.uint8)) is None


def test_blank_image_has_no_face(analyzer):
    a = analyzer.analyse_one(np.full((64, 64, 3), 128, np.uint8))
    assert isinstance(a, FaceAnalysis)
    assert not a.found and a.landmarks is None
    assert a.image.shape == (256, 256, 3)


def test_upscales_small_images_and_keeps_large_ones(analyzer):
    small = np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    assert analyzer.prepare(small).shape == (256, 256, 3)
    big = np.zeros((256, 256, 3), np.uint8)
    assert analyzer.prepare(big).shape == (256, 256, 3)


def test_bad_input_is_a_clear_error(analyzer):
    with pytest.raises(OhloraError, match="uint8 images N x H x W x 3"):
        analyzer.analyse(np.zeros((2, 64, 64), np.uint8))
    with pytest.raises(OhloraError, match="square"):
        analyzer.analyse(np.zeros((1, 64, 80, 3), np.uint8))


def test_missing_mediapipe_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "mediapipe", None)  # makes `import mediapipe` fail
    with pytest.raises(OhloraError, match=r"pip install --no-deps mediapipe==0\.10\.14"):
        FaceAnalyzer()
