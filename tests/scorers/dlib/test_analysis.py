"""The dlib judge's readings (formulas on planted landmarks) and its identity descriptor
(real models from the weights registry, real faces of the embedded generator)."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.scorers.dlib.analysis import readings
from ohlora.scorers.dlib.judge import DlibJudge, identity_distance, same_person


def _face(eye_open: float = 1.0, mouth_open: float = 0.0, nose_x: float = 0.0) -> np.ndarray:
    """A planted 68-point face: jaw 0..16 across x in [-1, 1], eyes 36..47, nose tip 30,
    inner lips 60..67; `eye_open` scales the eyelids, `mouth_open` parts the inner lips."""
    p = np.zeros((68, 2), np.float32)
    p[:17, 0] = np.linspace(-1, 1, 17)
    p[:17, 1] = 0.5
    for start, cx in ((36, -0.4), (42, 0.4)):
        w, h = 0.15, 0.05 * eye_open
        p[start : start + 6] = [
            (cx - w, 0), (cx - w / 3, -h), (cx + w / 3, -h), (cx + w, 0), (cx + w / 3, h),
            (cx - w / 3, h),
        ]  # fmt: skip
    p[30] = (nose_x, 0.2)
    p[60], p[64] = (-0.2, 0.6), (0.2, 0.6)
    p[61:64] = [
        (-0.1, 0.6 - mouth_open / 2),
        (0, 0.6 - mouth_open / 2),
        (0.1, 0.6 - mouth_open / 2),
    ]
    p[65:68] = [
        (0.1, 0.6 + mouth_open / 2),
        (0, 0.6 + mouth_open / 2),
        (-0.1, 0.6 + mouth_open / 2),
    ]
    return p


def test_eye_aspect_ratio_grows_as_the_lids_open():
    eyes = [readings(_face(eye_open=e))[0] for e in (0.2, 1.0, 2.0)]
    assert eyes[0] < eyes[1] < eyes[2]
    # aspect = (2 * 2h) / (2 * 2w) with h = 0.05, w = 0.15
    assert eyes[1] == pytest.approx(0.1 / 0.3, rel=1e-5)


def test_mouth_reading_is_the_inner_gap_over_the_inner_width():
    assert readings(_face(mouth_open=0.0))[1] == pytest.approx(0.0, abs=1e-6)
    assert readings(_face(mouth_open=0.2))[1] == pytest.approx(0.2 / 0.4, rel=1e-5)


def test_pose_sign_follows_the_nose_between_the_jaw_ends():
    assert readings(_face(nose_x=0.0))[2] == pytest.approx(0.0, abs=1e-6)
    assert readings(_face(nose_x=0.3))[2] > 0 > readings(_face(nose_x=-0.3))[2]


@pytest.mark.slow
def test_descriptor_tells_one_person_from_another(dcgan):
    faces = dcgan.synthesize(dcgan.sample_latents(6, 4242))
    with DlibJudge(workers=0) as judge:
        seen = judge.analyse(np.concatenate([faces, faces[:, :, ::-1]]))
    own, mirrored = seen.descriptors[:6], seen.descriptors[6:]
    assert np.allclose(identity_distance(own, own), 0.0)
    # a face and its mirror image are one person; six different faces are mostly not
    assert same_person(identity_distance(own, mirrored)).all()
    pairs = [identity_distance(own[i], own[j]) for i in range(6) for j in range(i + 1, 6)]
    assert np.mean(pairs) > 0.5 and np.mean(same_person(np.array(pairs))) < 0.5
    assert seen.readings.shape == (12, 3) and np.isfinite(seen.readings).all()
