"""What an edit keeps: background change outside the person, unasked-property MAE, identity
summarised over every edited face; the independent judge on real faces (slow)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from ohlora.evaluate.keeping import KeepingChecks, KeepResult, summarise_keeping

PROPS = ["eyes", "mouth", "pose", "hair_color", "hair_length", "background_mean", "background_std"]


class _Checks(KeepingChecks):
    """Checks whose person mask is the image's centre half (no mediapipe needed)."""

    def outside_person(self, base_image: np.ndarray) -> np.ndarray:
        h, w = base_image.shape[:2]
        outside = np.ones((h, w), bool)
        outside[h // 4 : 3 * h // 4, w // 4 : 3 * w // 4] = False
        return outside


def test_background_change_counts_only_outside_the_person():
    base = np.full((64, 64, 3), 100, np.uint8)
    inside_only = np.repeat(base[None], 3, 0)
    inside_only[:, 16:48, 16:48] = 200  # the person changes, the background does not
    asked = np.zeros((3, 3))
    measured = np.zeros((3, len(PROPS)), np.float32)
    k = _Checks(None).check(asked, base, inside_only, measured[0], measured, PROPS)
    assert k.background == 0.0 and k.distance is None and k.independent is None
    everywhere = inside_only.copy()
    everywhere[:, :4] = 130  # the top 4 rows of the background change by 30
    k = _Checks(None).check(asked, base, everywhere, measured[0], measured, PROPS)
    outside = 64 * 64 - 32 * 32
    assert k.background == pytest.approx(30 * 4 * 64 / outside)


def test_unasked_mae_is_against_the_unedited_face():
    base = np.zeros((64, 64, 3), np.uint8)
    images = np.repeat(base[None], 2, 0)
    base_m = np.zeros(len(PROPS), np.float32)
    measured = np.zeros((2, len(PROPS)), np.float32)
    measured[:, PROPS.index("hair_color")] = [0.5, -0.3]
    measured[1, PROPS.index("hair_length")] = np.nan  # unreadable faces are left out
    measured[0, PROPS.index("hair_length")] = 0.2
    k = _Checks(None).check(np.zeros((2, 3)), base, images, base_m, measured, PROPS)
    assert k.unasked_mae["hair_color"] == pytest.approx(0.4)
    assert k.unasked_mae["hair_length"] == pytest.approx(0.2)
    assert k.unasked_mae["background_mean"] == 0.0


def test_identity_is_summarised_over_every_edited_face():
    def keep(dist):
        return KeepResult(np.array(dist), {}, 0.0, None)

    # one case of 4 faces all the same person, one of 1 face that is not: 4 of 5 faces
    s = summarise_keeping([keep([0.1, 0.2, 0.3, 0.4]), keep([0.9])])
    assert s["identity"]["same_person_share"] == pytest.approx(0.8)
    assert s["identity"]["mean_distance"] == pytest.approx(0.38)
    assert s["identity"]["worst_case_same_share"] == 0.0 and s["identity"]["faces"] == 5


def test_identity_is_split_by_the_asked_turn():
    base = np.zeros((64, 64, 3), np.uint8)
    base_m = np.zeros(len(PROPS), np.float32)
    base_m[PROPS.index("pose")] = 0.5
    asked = np.zeros((4, 3))
    asked[:, 2] = [0.0, 1.2, -1.0, 3.0]  # turns 0.5, 0.7, 1.5, 2.5 sd from the face's own
    measured = np.zeros((4, len(PROPS)), np.float32)
    k = _Checks(None).check(asked, base, np.repeat(base[None], 4, 0), base_m, measured, PROPS)
    np.testing.assert_allclose(k.turn, [0.5, 0.7, 1.5, 2.5])
    k.distance = np.array([0.1, 0.7, 0.2, 0.9])
    bins = summarise_keeping([k])["identity"]["by_turn"]
    assert [(b["turn_from"], b["faces"]) for b in bins] == [(0.0, 2), (1.0, 1), (2.0, 1)]
    assert [b["same_person_share"] for b in bins] == [0.5, 1.0, 0.0]
    assert bins[-1]["turn_to"] is None


@pytest.mark.slow
def test_the_judge_sees_the_unedited_face_as_itself(dcgan):
    from ohlora.scorers.dlib.judge import DlibJudge

    base = dcgan.synthesize(dcgan.sample_latents(2, 31))
    images = np.stack([base[0], base[1]])  # the face itself, then another face
    checks = KeepingChecks(DlibJudge(workers=0))
    try:
        m = np.zeros((2, len(PROPS)), np.float32)
        k = checks.check(np.array([[0, 0, 0], [1, 1, 1.0]]), base[0], images, m[0], m, PROPS)
    finally:
        checks.close()
    assert k.distance[0] == pytest.approx(0.0, abs=1e-6) and k.distance[1] > 0.3
    assert k.background > 0
    assert k.base_descriptor is not None and k.base_descriptor.shape == (128,)  # diversity's


class _PresetJudge:
    """Stands in for dlib's judge where only the arithmetic is under test: it 'reads' the
    descriptors it was given, one per frame."""

    def __init__(self, descriptors: np.ndarray) -> None:
        self.descriptors = descriptors

    def analyse(self, frames: np.ndarray) -> SimpleNamespace:
        assert len(frames) == len(self.descriptors), (frames.shape, self.descriptors.shape)
        return SimpleNamespace(descriptors=self.descriptors)


def test_a_clip_is_measured_against_frame_0_and_without_it():
    from ohlora.evaluate.keeping import clip_consistency

    # frames 1..3 lie 0.55, 0.65 and 0 from frame 0: dlib's rule (< 0.6) calls two of the
    # three the same person; frame 0 itself is not counted
    desc = np.zeros((4, 128))
    desc[1, 0], desc[2, 0] = 0.55, 0.65
    frames = np.full((4, 64, 64, 3), 100, np.uint8)
    frames[1:3, 16:48, 16:48] = 200  # the person moves
    frames[3, :4] = 130  # the background's top 4 rows change by 30 in the last frame
    c = clip_consistency(frames, _Checks(_PresetJudge(desc)))
    assert c.same_share == pytest.approx(2 / 3)
    assert c.mean_distance == pytest.approx(0.4) and c.max_distance == pytest.approx(0.65)
    outside = 64 * 64 - 32 * 32
    assert c.background_change == pytest.approx(30 * 4 * 64 / outside / 3)
