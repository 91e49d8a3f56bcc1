"""Algorithms 1 and 2 on synthetic class maps with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ohlora.faces.classmap import (
    BACKGROUND,
    HAIR,
    INNER_MOUTH,
    LEFT_EYE,
    LOWER_LIP,
    NOSE,
    RIGHT_EYE,
    SKIN,
    UPPER_LIP,
)
from ohlora.properties import algorithm1, algorithm2
from tests.properties.synthetic import S, blank, rotated_rect


def _eyes(tilt: float, height: float, width: float = 36.0) -> np.ndarray:
    cmap, _ = blank(SKIN)
    t = math.radians(tilt)
    d = 40 * np.array([math.cos(t), math.sin(t)])
    centre = np.array([128.0, 110.0])
    rotated_rect(cmap, tuple(centre - d), width, height, tilt, RIGHT_EYE)  # viewer's left
    rotated_rect(cmap, tuple(centre + d), width, height, tilt, LEFT_EYE)
    return cmap


@pytest.mark.parametrize("tilt", [-20.0, -7.5, 0.0, 12.0, 25.0])
@pytest.mark.parametrize("height", [5.0, 11.0])
def test_algorithm2_recovers_eye_height_and_tilt(tilt, height):
    cmap = _eyes(tilt, height)
    image = np.full((S, S, 3), 128, np.uint8)
    s2 = algorithm2.scores(cmap, image)
    assert s2["pose"] == pytest.approx(tilt, abs=0.3)
    assert height - 1.0 <= s2["eyes"] <= height + 0.01
    # algorithm 1 measures the upright extent, which a tilt inflates
    s1 = algorithm1.scores(cmap, image)
    upright = 36.0 * abs(math.sin(math.radians(tilt))) + height * math.cos(math.radians(tilt))
    assert upright - 2.5 <= s1["eyes"] <= upright  # pixel centres fall short of the corners


def test_algorithm2_tilt_sign_and_missing_eye():
    cmap = _eyes(10.0, 8.0)
    # the eye on the viewer's right is lower: the head leans clockwise, pose > 0
    ys = {c: np.nonzero(cmap == c)[0].mean() for c in (LEFT_EYE, RIGHT_EYE)}
    assert ys[LEFT_EYE] > ys[RIGHT_EYE]
    assert algorithm2.eye_tilt(cmap) > 0
    cmap[cmap == LEFT_EYE] = SKIN
    image = np.zeros((S, S, 3), np.uint8)
    s2 = algorithm2.scores(cmap, image)
    assert math.isnan(s2["pose"]) and s2["eyes"] > 0  # one eye still has a height
    cmap[cmap == RIGHT_EYE] = SKIN
    assert math.isnan(algorithm2.scores(cmap, image)["eyes"])
    assert math.isnan(algorithm1.scores(cmap, image)["eyes"])


def _mouth(inner_rows: int) -> np.ndarray:
    cmap, _ = blank(SKIN)
    cmap[180:185, 100:140] = UPPER_LIP  # 5 x 40 = 200
    cmap[185 : 185 + inner_rows, 100:140] = INNER_MOUTH
    cmap[185 + inner_rows : 195 + inner_rows, 100:140] = LOWER_LIP  # 10 x 40 = 400
    return cmap


def test_mouth_share_and_opening():
    image = np.zeros((S, S, 3), np.uint8)
    cmap = _mouth(5)  # inner 5 x 40 = 200
    assert algorithm2.scores(cmap, image)["mouth"] == pytest.approx(200 / 800)
    assert algorithm1.scores(cmap, image)["mouth"] == 4.0  # rows 185..189
    cmap = _mouth(15)  # inner 600
    assert algorithm2.scores(cmap, image)["mouth"] == pytest.approx(600 / 1200)
    closed = _mouth(0)
    assert algorithm2.scores(closed, image)["mouth"] == 0.0
    assert algorithm1.scores(closed, image)["mouth"] == 0.0
    no_mouth, _ = blank(SKIN)
    assert math.isnan(algorithm2.scores(no_mouth, image)["mouth"])
    assert math.isnan(algorithm1.scores(no_mouth, image)["mouth"])


def test_hair_length_counts_bottom_row_and_rows_past_the_top_quarter():
    cmap, image = blank(SKIN)
    cmap[40:, :30] = HAIR  # down to the bottom row, 30 wide on the left
    cmap[40:, -30:] = HAIR  # and 30 on the right
    s1 = algorithm1.scores(cmap, image)
    s2 = algorithm2.scores(cmap, image)
    assert s1["hair_length"] == 60.0
    # rows 64..255 hold 60 >= ceil(0.15 x 256) = 39 hair pixels; rows 40..63 are ignored
    assert s2["hair_length"] == 192.0

    cmap, image = blank(SKIN)
    cmap[10:200, :30] = HAIR
    cmap[10:200, -30:] = HAIR
    cmap[200:, :20] = HAIR  # a thin strand below: 20 < 39 pixels a row
    assert algorithm1.scores(cmap, image)["hair_length"] == 20.0
    assert algorithm2.scores(cmap, image)["hair_length"] == 200 - 64


def test_hair_color_mean_and_trimmed_mean():
    cmap, image = blank(SKIN)
    rows, cols = np.divmod(np.arange(100), 10)
    cmap[rows, cols] = HAIR
    values = np.r_[np.full(80, 100), np.full(10, 0), np.full(10, 250)]
    # colour pixels whose R, G, B mean is the value
    image[rows, cols] = np.stack([values - 10, values + 5, values + 5], 1).clip(0, 255)
    image[rows[values == 0], cols[values == 0]] = 0
    image[rows[values == 250], cols[values == 250]] = (240, 250, 254)
    assert algorithm1.scores(cmap, image)["hair_color"] == pytest.approx(
        (80 * 100 + 10 * 0 + 10 * 248) / 100
    )
    assert algorithm2.scores(cmap, image)["hair_color"] == pytest.approx(100.0)
    no_hair, _ = blank(SKIN)
    assert math.isnan(algorithm1.scores(no_hair, image)["hair_color"])
    assert math.isnan(algorithm2.scores(no_hair, image)["hair_color"])


def test_background_mean_std_with_5_percent_trim():
    cmap, image = blank(BACKGROUND)
    cmap[100:, 60:200] = SKIN  # a face; its pixels never count
    image[100:, 60:200] = 255
    upper = cmap[:128] == BACKGROUND
    n = int(upper.sum())
    k = int(n * 0.05)
    middle = n - 2 * k
    assert middle % 2 == 0
    values = np.r_[np.zeros(k), np.full(k, 255), np.tile([90, 110], middle // 2)]
    values = np.random.default_rng(1).permutation(values)
    r, c = np.nonzero(upper)
    image[r, c] = values[:, None].astype(np.uint8)
    image[150:, :40] = 30  # lower-half background: ignored
    for alg in (algorithm1, algorithm2):
        s = alg.scores(cmap, image)
        assert s["background_mean"] == pytest.approx(100.0)
        assert s["background_std"] == pytest.approx(10.0)
    untrimmed = values.mean()
    assert abs(untrimmed - 100) > 1  # the trim matters here
    all_face, _ = blank(SKIN)
    s = algorithm1.scores(all_face, image)
    assert math.isnan(s["background_mean"]) and math.isnan(s["background_std"])


@pytest.mark.parametrize("slope", [1, -1])
def test_algorithm1_pose_is_minus_nose_correlation(slope):
    cmap, image = blank(SKIN)
    rows = np.arange(100, 141)  # 41 rows
    for r in rows:
        start = 120 + slope * (r - 100)
        cmap[r, start : start + 10] = NOSE
    # x = a + slope * r + u, u in 0..9: corr = slope * sd(r) / sqrt(var(r) + var(u))
    var_r, var_u = (41**2 - 1) / 12, (10**2 - 1) / 12
    corr = slope * math.sqrt(var_r) / math.sqrt(var_r + var_u)
    pose = algorithm1.scores(cmap, image)["pose"]
    assert pose == pytest.approx(-corr, abs=1e-9)
    # lower nose pixels further right (slope 1): a nose pointing to the viewer's left, pose < 0
    assert np.sign(pose) == -slope


def test_degenerate_nose_is_nan():
    cmap, image = blank(SKIN)
    cmap[100:140, 120] = NOSE  # a single column: x has no spread
    assert math.isnan(algorithm1.scores(cmap, image)["pose"])


def test_shape_asserts():
    cmap, image = blank(SKIN)
    with pytest.raises(AssertionError):
        algorithm1.scores(cmap, image[:100])
    with pytest.raises(AssertionError):
        algorithm2.scores(cmap.astype(np.int32), image)
