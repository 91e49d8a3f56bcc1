"""Clip trajectories in the original product's weights and their mapping to targets."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.errors import OhloraError
from ohlora.studio import clips


@pytest.mark.parametrize("clip", clips.CLIPS)
@pytest.mark.parametrize(("seconds", "fps"), [(2, 10), (3, 15), (1.5, 8), (0.4, 5)])
def test_frame_count_is_seconds_times_fps_and_same_seed_same_clip(clip, seconds, fps):
    a = clips.clip_weights(clip, seconds, fps, seed=5)
    b = clips.clip_weights(clip, seconds, fps, seed=5)
    for p in clips.PROPERTIES:
        assert a[p].shape == (round(seconds * fps),)
        assert np.isfinite(a[p]).all()
        np.testing.assert_array_equal(a[p], b[p])


@pytest.mark.parametrize("clip", ["talk", "blink", "idle"])
def test_another_seed_gives_another_clip(clip):
    a = clips.clip_weights(clip, 6, 15, seed=1)
    b = clips.clip_weights(clip, 6, 15, seed=2)
    assert any(not np.allclose(a[p], b[p]) for p in clips.PROPERTIES)


def test_talk_opens_and_closes_the_mouth_in_syllables():
    w = clips.clip_weights("talk", 4, 30, seed=3)["mouth"]
    closed = clips.BASE["mouth"]
    assert w.max() <= closed + 1e-9 and w.min() >= clips.MOUTH_OPEN - 1e-9
    assert w[0] == pytest.approx(closed) and w[-1] == pytest.approx(closed)
    opening = (closed - w) / (closed - clips.MOUTH_OPEN)
    open_frames = opening > 0.25
    onsets = np.flatnonzero(np.diff(open_frames.astype(int)) == 1)
    # 4 s of speech at 4-6 syllables a second, with pauses: well over 6 syllables.
    assert len(onsets) >= 6, onsets
    assert opening.max() > 0.8


def test_blink_dips_the_eyes_with_the_original_profile_and_recovers():
    fps = clips.REF_FPS  # on the reference grid the profile is sampled exactly
    w = clips.clip_weights("blink", 2, fps, seed=4)
    eyes = w["eyes"]
    base = clips.BASE["eyes"]
    peak = int(np.argmax(eyes))
    assert 0.3 * len(eyes) < peak < 0.7 * len(eyes)  # one blink, mid-clip
    assert 0.8 * 1.1 - 1e-9 <= eyes.max() <= 0.8 * 1.5 + 1e-9  # 0.8 x U(1.1, 1.5)
    depth = eyes.max() / 0.8
    inside = eyes > base + 1e-9
    np.testing.assert_allclose(eyes[inside], np.array(clips.BLINK_PROFILES[0]) * depth)
    assert eyes[0] == pytest.approx(base) and eyes[-1] == pytest.approx(base)
    # the other properties carry the small idle jitter only
    assert np.abs(w["mouth"] - clips.BASE["mouth"]).max() <= clips.JITTER_LIMIT["mouth"] + 1e-9


def test_turn_sweeps_both_ways_and_returns():
    pose = clips.clip_weights("turn", 3, 20, seed=0)["pose"]
    assert pose.max() > 0.9 * clips.TURN_AMPLITUDE and pose.min() < -0.9 * clips.TURN_AMPLITUDE
    assert abs(pose[0]) < 1e-9 and abs(pose[-1]) < 0.5


def test_idle_jitter_stays_within_the_original_limits_and_blinks_are_spaced():
    for seed in range(6):
        w = clips.clip_weights("idle", 10, clips.REF_FPS, seed=seed)
        for p in ("mouth", "pose"):
            dev = np.abs(w[p] - clips.BASE[p])
            assert dev.max() <= clips.JITTER_LIMIT[p] + 1e-9, (seed, p)
            assert np.abs(np.diff(w[p])).max() <= 2 * clips.JITTER_STEP[p] + 1e-9
        eyes = w["eyes"]
        blinking = eyes > clips.BASE["eyes"] + clips.JITTER_LIMIT["eyes"] + 1e-9
        starts = np.flatnonzero(np.diff(blinking.astype(int)) == 1)
        assert np.all(np.diff(starts) >= clips.BLINK_GAP_S * clips.REF_FPS)
        # the loop closes: the last frame is eased back towards the first
        for p in clips.PROPERTIES:
            assert abs(w[p][-1] - w[p][0]) < 0.1


def test_idle_blinks_about_as_often_as_the_original():
    n_blinks = 0
    for seed in range(20):
        eyes = clips.clip_weights("idle", 10, clips.REF_FPS, seed=seed)["eyes"]
        blinking = eyes > clips.BASE["eyes"] + clips.JITTER_LIMIT["eyes"] + 1e-9
        n_blinks += int((np.diff(blinking.astype(int)) == 1).sum())
    # 2.5% a frame at 15 frames/s with a 1 s gap: about 0.33 per second before the gap
    # and the last half second; the gap and the tail lower it to ~0.25.
    assert 20 < n_blinks < 80, n_blinks


def test_mapping_to_targets():
    rest = {"eyes": 0.5, "mouth": -0.4, "pose": 0.1}
    w = {p: np.array([0.0, clips.BASE[p], 1.2]) for p in clips.PROPERTIES}
    t = clips.to_targets(w, rest)
    for p in clips.PROPERTIES:
        assert t[p][0] == pytest.approx(rest[p])  # weight 0 is the rest face
    # the original's extreme test weights land at 2 normalised units from rest
    assert t["eyes"][2] == pytest.approx(rest["eyes"] - 2.0)
    assert t["mouth"][1] == pytest.approx(rest["mouth"] - 2.0 / 1.8)
    # a larger weight meant narrower eyes / a more closed mouth in the original
    assert t["eyes"][2] < t["eyes"][1] < t["eyes"][0]


@pytest.mark.parametrize(
    ("clip", "seconds", "fps"), [("dance", 1, 10), ("talk", 0, 10), ("talk", 1, float("nan"))]
)
def test_bad_clip_arguments_are_clear_errors(clip, seconds, fps):
    with pytest.raises(OhloraError):
        clips.clip_weights(clip, seconds, fps, seed=0)


def test_talk_caps_the_mouth_unless_the_rest_face_is_already_more_open():
    t = clips.clip_targets("talk", 4, 30, 3, {"eyes": 0.0, "mouth": 0.8, "pose": 0.0})
    assert t["mouth"].max() == pytest.approx(clips.TALK_MOUTH_CAP)
    t = clips.clip_targets("talk", 4, 30, 3, {"eyes": 0.0, "mouth": 2.5, "pose": 0.0})
    assert t["mouth"].max() == pytest.approx(2.5) and t["mouth"].min() < 2.5 - 1.0


def test_turn_stays_within_the_generators_reach_unless_the_rest_face_is_beyond_it():
    rest = {"eyes": 0.0, "mouth": 0.0, "pose": 0.0}
    centred = clips.clip_targets("turn", 4, 30, 3, rest)
    swept = clips.to_targets(clips.clip_weights("turn", 4, 30, 3), rest)
    np.testing.assert_array_equal(centred["pose"], swept["pose"])  # a centred face: as swept
    near = clips.clip_targets("turn", 4, 30, 3, {"eyes": 0.0, "mouth": 0.0, "pose": 1.5})
    assert near["pose"].max() == pytest.approx(clips.POSE_REACH)
    assert near["pose"].min() < 1.5 - 1.0  # it still turns the other way
    far = clips.clip_targets("turn", 4, 30, 3, {"eyes": 0.0, "mouth": 0.0, "pose": -2.7})
    assert far["pose"].min() == pytest.approx(-2.7) and far["pose"].max() > -2.7 + 1.0
