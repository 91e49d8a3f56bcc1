"""`ohlora animate` end to end on a real small run: the written GIF has seconds x fps frames,
its blink dips and recovers and its talk opens and closes the mouth, as measured by the mesh
scorer on the frames read back; the same seed writes the same file."""

from __future__ import annotations

import re
import subprocess

import numpy as np
import pytest
from PIL import Image, ImageSequence

from ohlora.cli import main
from ohlora.studio import clips
from ohlora.studio.animation import frame_durations, mp4_writer, render_frames, rest_values

SEED = 7
# seed 7's mouth sits near the 3-sd coordinate clamp of this 600-face run's weak mouth
# direction (a blended mouth step moves it only 0.37 times as far as a global one here), so
# its talk clip can open the mouth by about 0.4 sd; the shared-steps editor reached further
# only because the eyes step leaked into the mouth region. Seed 23 has room to talk.
TALK_SEED = 23
# seed 7 wears glasses: the mesh reads its eyes through the frames at 64 px, so its measured
# eyes follow a blink at corr 0.84 with the 8 px carry and 0.51 with the 4 px one, while over
# 20 faces of runs/n6k the two follow blinks alike (scripts/measure_clip_obedience.py: mean
# corr 0.441 and 0.436). Seed 3's eyes are bare.
BLINK_SEED = 3


def _animate(run, out, clip, seconds, fps, *extra, seed=SEED):
    argv = ["animate", "--run", str(run), "--seed", str(seed), "--clip", clip]
    argv += ["--seconds", str(seconds), "--fps", str(fps), "--size", "64", "--out", str(out)]
    assert main([*argv, *extra]) == 0


def _frames(path):
    with Image.open(path) as im:
        frames = [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(im)]
        durations = [f.info["duration"] for f in ImageSequence.Iterator(Image.open(path))]
    return np.stack(frames), durations


@pytest.fixture(scope="module")
def meter(small_run):
    from ohlora.scorers.meter import open_meter

    m = open_meter(small_run, "mesh", workers=0)
    yield m
    m.close()


@pytest.mark.slow
def test_blink_clip_frames_and_measured_eyes_dip_and_recover(small_run, meter, tmp_path, capsys):
    seconds, fps = 2, 10
    out = tmp_path / "blink.gif"
    _animate(small_run, out, "blink", seconds, fps, seed=BLINK_SEED)
    assert f"{seconds * fps} frames" in capsys.readouterr().out
    frames, durations = _frames(out)
    assert frames.shape == (seconds * fps, 64, 64, 3)
    assert sum(durations) == seconds * 1000 and durations == frame_durations(20, fps)

    eyes = meter.measure(frames)[:, meter.properties.index("eyes")]
    w = clips.clip_weights("blink", seconds, fps, BLINK_SEED)["eyes"]
    blink = np.flatnonzero(w > clips.BASE["eyes"] + 1e-9)
    rest = np.setdiff1d(np.arange(len(w)), blink)
    assert blink[0] > 5 and blink[-1] < 15, blink  # one blink, mid-clip
    level = np.nanmedian(eyes[rest])
    assert level - np.nanmin(eyes[blink]) > 0.3, eyes  # the eyes close ...
    after = eyes[blink[-1] + 2 :]
    assert np.nanmedian(after) > np.nanmin(eyes[blink]) + 0.3, eyes  # ... and open again
    assert abs(np.nanmedian(after) - level) < 0.3, eyes
    assert np.corrcoef(-w, eyes)[0, 1] > 0.6, eyes


@pytest.mark.slow
def test_talk_clip_measured_mouth_opens_and_closes_repeatedly(small_run, meter, tmp_path):
    seconds, fps = 2, 15
    out = tmp_path / "talk.gif"
    _animate(small_run, out, "talk", seconds, fps, seed=TALK_SEED)
    frames, _ = _frames(out)
    assert len(frames) == seconds * fps
    mouth = meter.measure(frames)[:, meter.properties.index("mouth")]
    assert np.isfinite(mouth).all()
    closed = np.median(mouth)
    is_open = mouth > closed + 0.5
    openings = int(is_open[0]) + int((np.diff(is_open.astype(int)) == 1).sum())
    assert openings >= 3, mouth  # opens and closes again at least three times in 2 s
    # the region-local editor opens the mouth inside its region: about 1.4 sd of range here
    assert mouth.max() - mouth.min() > 1.2, mouth
    target = clips.clip_weights("talk", seconds, fps, TALK_SEED)["mouth"]
    assert np.corrcoef(-target, mouth)[0, 1] > 0.6, mouth


@pytest.mark.slow
def test_same_seed_same_file_other_motion_seed_other_clip(small_run, tmp_path):
    a, b, c = (tmp_path / f"{k}.gif" for k in "abc")
    _animate(small_run, a, "idle", 1, 8)
    _animate(small_run, b, "idle", 1, 8)
    _animate(small_run, c, "idle", 1, 8, "--motion-seed", "99")
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    assert len(_frames(a)[0]) == 8


@pytest.mark.slow
def test_mp4_when_a_writer_is_installed_else_a_clear_error(small_run, tmp_path, capsys):
    out = tmp_path / "turn.mp4"
    args = ["--seed", "3", "--clip", "turn", "--seconds", "1", "--fps", "8", "--out", str(out)]
    code = main(["animate", "--run", str(small_run), *args])
    if mp4_writer() is None:
        assert code == 2 and not out.exists()
        assert "imageio-ffmpeg" in capsys.readouterr().err
        pytest.skip("no MP4 writer installed (imageio-ffmpeg or ffmpeg): the error path passed")
    assert code == 0
    data = out.read_bytes()
    assert data[4:8] == b"ftyp" and len(data) > 1000
    probe = subprocess.run(
        [mp4_writer(), "-i", str(out), "-f", "null", "-"], capture_output=True, text=True
    )
    counts = re.findall(r"frame=\s*(\d+)", probe.stderr)
    assert counts and int(counts[-1]) == 8, probe.stderr[-500:]


def test_bad_arguments_are_one_line_errors(small_run, tmp_path, capsys):
    assert main(["animate", "--run", str(small_run), "--seed", "1", "--out", "x.png"]) == 2
    assert "give a name ending in .gif or .mp4" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    code = main(["animate", "--run", str(empty), "--seed", "1", "--out", str(tmp_path / "a.gif")])
    assert code == 2
    err = capsys.readouterr().err
    assert "find-directions" in err and "Traceback" not in err
    with pytest.raises(SystemExit):
        main(["animate", "--run", str(small_run), "--seed", "-1", "--out", "a.gif"])
    assert "out of range" in capsys.readouterr().err


# Floors of issue 11: talk and blink clips >= 95% of frames the same person as frame 0 (dlib's
# descriptor, a judge no edit uses), turn clips >= 80%.
FLOORS = {"talk": 0.95, "blink": 0.95, "turn": 0.80}


@pytest.fixture(scope="module")
def clip_editor(small_run):
    from ohlora.editing.params import EditParams
    from ohlora.editing.run_editor import open_editor

    editor = open_editor(small_run, EditParams(refine=0, workers=0, mirror_turn=0.0))
    assert editor.method == "local"  # the default editor of the DCGAN
    yield editor
    editor.close()


@pytest.mark.slow
@pytest.mark.parametrize("clip", sorted(FLOORS))
def test_every_frame_is_the_person_of_frame_0(clip_editor, clip):
    from ohlora.evaluate.keeping import KeepingChecks, clip_consistency
    from ohlora.scorers.dlib.judge import DlibJudge
    from ohlora.studio.animation import animate

    checks = KeepingChecks(DlibJudge(workers=0))
    try:
        for seed in (7,):
            latent = clip_editor.base_latents(np.array([seed]))
            base = clip_editor.measure_base(latent)
            frames = animate(clip_editor, latent, base, clip, 2.0, 6.0, seed=seed).frames
            c = clip_consistency(frames, checks)
            assert c.same_share >= FLOORS[clip], (clip, seed, c)
            assert c.background_change <= 15, (clip, seed, c)
    finally:
        checks.close()


def test_clips_are_never_drawn_mirrored(clip_editor):
    # a turn crossing the face's own side would flip the picture from one frame to the next:
    # an editor that mirrors stills renders the same frames as one that never does
    latent = clip_editor.base_latents(np.array([1]))
    own = rest_values(clip_editor, latent, clip_editor.measure_base(latent))["pose"]
    turn = {"pose": np.array([own, -np.sign(own) * 2.0])}
    assert abs(own) > 1.0, own  # seed 1 looks far to one side: the second frame crosses
    plain = render_frames(clip_editor, latent, None, turn)
    clip_editor.mirror_turn = 1.0
    try:
        assert clip_editor.edit(np.repeat(latent, 2, 0), turn).mirrored[1]  # a still would
        np.testing.assert_array_equal(render_frames(clip_editor, latent, None, turn), plain)
    finally:
        clip_editor.mirror_turn = 0.0
