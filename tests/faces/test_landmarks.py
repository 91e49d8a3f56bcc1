"""Landmark index sets: closed cycles of mediapipe's published connections, sane on real faces."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ohlora.faces import landmarks as L


def _edges(name: str) -> set[frozenset[int]]:
    mp = pytest.importorskip("mediapipe")
    return {frozenset(e) for e in getattr(mp.solutions.face_mesh_connections, name)}


@pytest.mark.parametrize(
    ("polygon", "connections"),
    [
        (L.LEFT_EYE, "FACEMESH_LEFT_EYE"),
        (L.RIGHT_EYE, "FACEMESH_RIGHT_EYE"),
        (L.LEFT_IRIS, "FACEMESH_LEFT_IRIS"),
        (L.RIGHT_IRIS, "FACEMESH_RIGHT_IRIS"),
        (L.LIPS_OUTER, "FACEMESH_LIPS"),
        (L.LIPS_INNER, "FACEMESH_LIPS"),
        (L.FACE_OVAL, "FACEMESH_FACE_OVAL"),
    ],
)
def test_polygons_are_closed_cycles_of_mediapipe_edges(polygon, connections):
    edges = _edges(connections)
    assert len(set(polygon)) == len(polygon) >= 3
    cycle = {frozenset((a, b)) for a, b in zip(polygon, polygon[1:] + polygon[:1], strict=True)}
    assert cycle <= edges
    if connections != "FACEMESH_LIPS":  # the lips set holds two cycles, each checked alone
        assert cycle == edges


def test_lip_halves_are_outer_and_inner_chains_between_the_corners():
    lips = _edges("FACEMESH_LIPS")
    for half in (L.UPPER_LIP, L.LOWER_LIP):
        outer, inner = half[:11], half[11:]
        assert (outer[0], outer[-1]) == L.MOUTH_CORNERS
        assert (inner[0], inner[-1]) == tuple(reversed(L.INNER_MOUTH_CORNERS))
        for chain in (outer, inner):
            assert all(frozenset(e) in lips for e in itertools.pairwise(chain))
    assert set(L.UPPER_LIP) | set(L.LOWER_LIP) == set(L.LIPS_OUTER) | set(L.LIPS_INNER)
    assert 0 in L.UPPER_LIP and 17 in L.LOWER_LIP  # philtrum above, chin side below


def test_nose_points_are_mediapipe_nose_points():
    nose = {i for e in _edges("FACEMESH_NOSE") for i in e}
    assert nose <= set(L.NOSE)


def test_polygon_area():
    square = np.array([[0, 0], [2, 0], [2, 2], [0, 2]], float)
    assert L.area(square) == pytest.approx(4.0)
    tilted = np.c_[square, square[:, 0]]  # the square lifted onto the plane z = x
    assert L.area(tilted) == pytest.approx(4.0 * np.sqrt(2))


@pytest.mark.slow
def test_polygons_non_degenerate_and_sided_on_real_faces(real_analyses):
    found = [a for a in real_analyses if a.found]
    for a in found:
        lm = a.landmarks
        for name, idx in L.POLYGONS.items():
            if name != "lips_inner":  # a closed mouth has (almost) no inner area
                assert L.area(L.polygon(lm, idx)) > 2.0, name
        assert L.area(L.hull(lm, L.NOSE)) > 50.0
    # left/right are the subject's: the subject's left eye lies on the viewer's right
    xs = np.array(
        [
            [a.landmarks[list(L.LEFT_EYE), 0].mean(), a.landmarks[list(L.RIGHT_EYE), 0].mean()]
            for a in found
        ]
    )
    assert (xs[:, 0] > xs[:, 1]).mean() > 0.95


@pytest.mark.slow
def test_mirror_pairs_are_mirror_images_on_real_faces(real_analyses):
    lm = np.stack([a.landmarks for a in real_analyses if a.found]).astype(np.float64)
    centre = (lm[:, 33] + lm[:, 263]) / 2
    scale = np.linalg.norm(lm[:, 33, :2] - lm[:, 263, :2], axis=1)
    norm = (lm[..., :2] - centre[:, None, :2]) / scale[:, None, None]
    mean = np.median(norm, axis=0)
    for right, left in L.MIRROR_PAIRS:
        assert mean[right, 0] < 0 < mean[left, 0], (right, left)
        mirrored = mean[right] * [-1, 1]
        assert np.linalg.norm(mirrored - mean[left]) < 0.08, (right, left)
