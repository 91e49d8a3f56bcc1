"""PropertyMeter: raw scores in the run's normalised units, and its test-time views (the
mirror image's pose read back with its sign turned, a face counted where at least half of
the views found it)."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.properties.normalise import Normalisation
from ohlora.scorers.base import Scores
from ohlora.scorers.meter import PropertyMeter, view


class _Planted:
    """eyes_raw: the image's mean; pose_raw: left half's mean less the right half's. No face
    is found where the right half is brighter by more than 100 (so a face whose left half is
    that much brighter is lost in its mirror image)."""

    def __init__(self) -> None:
        self.columns = ["eyes_raw", "pose_raw"]

    def score(self, images: np.ndarray) -> Scores:
        x = images.astype(np.float64)
        w = x.shape[2] // 2
        pose = x[:, :, :w].mean((1, 2, 3)) - x[:, :, w:].mean((1, 2, 3))
        raw = np.stack([x.mean((1, 2, 3)), pose], 1).astype(np.float32)
        found = pose > -100
        raw[~found] = np.nan
        return Scores(raw, found, self.columns)

    def close(self) -> None:
        pass


NORM = Normalisation(
    ["eyes_raw", "pose_raw"], np.array([50.0, 0.0]), np.array([10.0, 20.0]), np.full(2, 9)
)


def _faces(left: list[int], right: list[int]) -> np.ndarray:
    im = np.zeros((len(left), 8, 8, 3), np.uint8)
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        im[i, :, :4], im[i, :, 4:] = a, b
    return im


def _meter(views: int) -> PropertyMeter:
    return PropertyMeter(_Planted(), NORM, {"eyes": "eyes_raw", "pose": "pose_raw"}, views=views)


def test_one_view_is_the_normalised_reading():
    out = _meter(1).measure(_faces([90, 30], [50, 70]))
    assert out.dtype == np.float32 and out.shape == (2, 2)
    assert np.allclose(out, [[(70 - 50) / 10, 40 / 20], [(50 - 50) / 10, -40 / 20]])


def test_the_mirror_view_reads_the_same_pose_back():
    faces = _faces([90, 30], [50, 70])
    assert np.allclose(_meter(2).measure(faces), _meter(1).measure(faces))
    assert np.array_equal(view(faces, "mirror"), faces[:, :, ::-1])


def test_a_face_lost_in_most_views_is_not_measured():
    lost_mirrored = _faces([200], [20])  # the mirror image's right half is 180 brighter
    two = _meter(2).measure(lost_mirrored)  # found in 1 of 2 views: half, so measured
    assert np.allclose(two, _meter(1).measure(lost_mirrored))
    three = _meter(3).measure(lost_mirrored)  # found in 2 of 3 (the shift keeps it)
    assert np.isfinite(three).all()
    lost = _faces([20], [200])  # lost in the plain and the shifted views, found mirrored
    assert np.isnan(_meter(3).measure(lost)).all()
    assert np.isnan(_meter(1).measure(lost)).all()


def test_shifted_views_move_the_image_by_one_pixel():
    faces = np.arange(2 * 3 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3, 3)
    right, down = view(faces, "shift-right"), view(faces, "shift-down")
    assert np.array_equal(right[:, :, 1:], faces[:, :, :-1])
    assert np.array_equal(right[:, :, 0], faces[:, :, 0])
    assert np.array_equal(down[:, 1:], faces[:, :-1]) and np.array_equal(down[:, 0], faces[:, 0])


@pytest.mark.parametrize("views", [0, 5])
def test_views_outside_1_4_are_refused(views):
    with pytest.raises(ValueError, match=r"views must be 1\.\.4"):
        _meter(views)


def test_no_images_give_no_rows():
    assert _meter(2).measure(np.zeros((0, 8, 8, 3), np.uint8)).shape == (0, 2)


# a population whose mean pose is off the middle: a mirror image's normalised pose is not the
# negated one
OFF_MIDDLE = Normalisation(
    ["eyes_raw", "pose_raw"], np.array([50.0, 8.0]), np.array([10.0, 20.0]), np.full(2, 9)
)


def test_mirrored_says_what_the_mirror_image_reads():
    meter = PropertyMeter(_Planted(), OFF_MIDDLE, {"eyes": "eyes_raw", "pose": "pose_raw"})
    faces = _faces([90, 30, 60], [50, 70, 60])
    plain = meter.measure(faces)
    mirror = meter.measure(faces[:, :, ::-1].copy())
    np.testing.assert_allclose(meter.mirrored(plain), mirror, atol=1e-6)
    assert not np.allclose(mirror[:, 1], -plain[:, 1])  # the offset counts: not just negated
    np.testing.assert_allclose(meter.mirrored(mirror), plain, atol=1e-6)  # twice: itself
    # with the mirror view the off-middle pose is still read back as the plain view's
    two = PropertyMeter(_Planted(), OFF_MIDDLE, {"eyes": "eyes_raw", "pose": "pose_raw"}, views=2)
    np.testing.assert_allclose(two.measure(faces), plain, atol=1e-6)
