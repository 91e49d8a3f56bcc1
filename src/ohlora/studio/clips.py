"""Motion clips (talk, blink, turn, idle) as per-frame property targets.

The original product (spec 8.2) moved its face by adding multiples ("weights") of unit
property directions to the face's latent: rest weights eyes 0.2, mouth 1.0, pose 0.0; every
frame a small bounded random walk around them; blinks that set the eyes weight to a profile
such as [0.4, 0.6, 0.8, 0.8, 0.6, 0.4] x U(1.1, 1.5). Its directions pointed to the low class
(spec 8.2, "every reported corr is negative"), so a larger weight meant narrower eyes and a
more closed mouth.

A clip is built in those weights w(t) and mapped to ohlora's absolute normalised targets
around a rest face r (the face as picked, or as set with the studio's sliders):

    target_p(t) = r_p - SCALE_p * w_p(t)

SCALE maps the original's extreme test weights (eyes +-1.2, mouth +-1.8, pose +-1.8, spec 8.2)
onto +-2 normalised units, the range in which ohlora's edits of the embedded generator still
look like faces (the Oh-LoRA strip sweeps the same range). So the original's rest weights put
the eyes 0.33 and the mouth 1.1 units below the rest face (slightly narrowed eyes, a closed
mouth), a full blink takes the eyes 1.5 to 2.0 units below it, and the pose jitter of +-0.4
becomes +-0.44 units.

The original applied its per-frame rules at whatever rate it rendered. Here they run on a
reference grid of REF_FPS frames per second, and the result is resampled to the asked frame
rate with cosine easing between reference frames: a blink lasts the same time at 8 or 30 fps
and the motion between frames is smooth. Every random choice comes from one generator seeded
with the clip's seed: the same seed gives the same clip.
"""

from __future__ import annotations

import math

import numpy as np

from ohlora.errors import OhloraError

PROPERTIES = ("eyes", "mouth", "pose")
CLIPS = ("talk", "blink", "turn", "idle")

# The original product's constants (spec 8.2), in its weights.
BASE = {"eyes": 0.2, "mouth": 1.0, "pose": 0.0}
JITTER_STEP = {"eyes": 0.035, "mouth": 0.025, "pose": 0.045}
JITTER_LIMIT = {"eyes": 0.25, "mouth": 0.15, "pose": 0.4}
BLINK_PROFILES = (
    (0.4, 0.6, 0.8, 0.8, 0.6, 0.4),
    (0.4, 0.6, 0.8, 0.6, 0.4),
    (0.4, 0.7, 0.7, 0.4),
)
BLINK_PROFILE_ODDS = (0.4, 0.3, 0.3)
BLINK_DEPTH = (1.1, 1.5)
BLINK_CHANCE = 0.025  # per reference frame
BLINK_GAP_S = 1.0  # at least this long between the starts of two blinks

# The mapping to ohlora's normalised units (see the module docstring).
SCALE = {"eyes": 2.0 / 1.2, "mouth": 2.0 / 1.8, "pose": 2.0 / 1.8}
REF_FPS = 15

# Clip shapes (in the original's weights).
MOUTH_OPEN = -1.8  # the original's widest test weight: a fully open mouth
TALK_MOUTH_CAP = 1.5  # talk: no syllable opens the mouth past this target (or the rest face's)
SYLLABLE_S = (0.16, 0.28)  # about 4 to 6 syllables a second, as in speech
SYLLABLE_OPENING = (0.7, 1.0)  # share of the way from closed to fully open
WORD_SYLLABLES = (1, 3)
WORD_GAP_S = (0.05, 0.2)
PHRASE_WORDS = (2, 4)
PHRASE_PAUSE_S = (0.3, 0.6)
BLINK_EVERY_S = 2.0  # the blink clip: one blink per this many seconds (at least one)
TURN_AMPLITUDE = 1.2  # the turn clip: pose weight swept over +-this, one period per clip
# no frame asks a pose further out than this (normalised units) unless the rest face already
# sits there: within +-2 sd lie 96% of runs/n6k's 5,739 poses, and beyond them the
# generator stops turning (a turn clip of a face at +2.7 asked up to +4.1 turned back, corr
# -0.94; docs/keeping-the-person.md)
POSE_REACH = 2.0
LOOP_CLOSE_S = 0.5  # idle: ease back to the first frame over the last half second


def frame_count(seconds: float, fps: float) -> int:
    """Frames of a clip: seconds x fps, rounded to the nearest whole frame (at least 1)."""
    if not (math.isfinite(seconds) and seconds > 0):
        raise OhloraError(f"seconds must be a positive number, got {seconds}")
    if not (math.isfinite(fps) and fps > 0):
        raise OhloraError(f"fps must be a positive number, got {fps}")
    return max(1, round(seconds * fps))


def _ease(a: np.ndarray, b: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Cosine easing from a (f = 0) to b (f = 1)."""
    return a + (b - a) * (1.0 - np.cos(np.pi * f)) / 2.0


def _resample(track: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Values of a reference-grid track at `times` (s), eased between reference frames."""
    if len(track) == 1:
        return np.full(len(times), float(track[0]))
    u = np.clip(times * REF_FPS, 0, len(track) - 1)
    i = np.minimum(np.floor(u).astype(int), len(track) - 2)
    return _ease(track[i], track[i + 1], u - i)


def _reference_frames(seconds: float) -> int:
    return math.ceil(seconds * REF_FPS) + 2


def _blink_values(rng: np.random.Generator, profile: int | None = None) -> np.ndarray:
    """One blink's eyes weights (one per reference frame), as the original drew them."""
    if profile is None:
        profile = int(rng.choice(len(BLINK_PROFILES), p=BLINK_PROFILE_ODDS))
    depth = rng.uniform(*BLINK_DEPTH)
    return np.array(BLINK_PROFILES[profile]) * depth


def _jitter(seconds: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The original's per-frame random walk around the rest weights (reference grid)."""
    n_ref = _reference_frames(seconds)
    tracks = {p: np.empty(n_ref) for p in PROPERTIES}
    current = dict(BASE)
    for k in range(n_ref):
        for p in PROPERTIES:
            step = rng.uniform(-JITTER_STEP[p], JITTER_STEP[p])
            lo, hi = BASE[p] - JITTER_LIMIT[p], BASE[p] + JITTER_LIMIT[p]
            current[p] = float(np.clip(current[p] + step, lo, hi))
            tracks[p][k] = current[p]
    return tracks


def _with_jitter(
    main: str, values: np.ndarray, times: np.ndarray, seconds: float, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """A clip moving `main`; the other two properties carry the original's idle jitter, as
    the product applied it on every frame (it also keeps consecutive frames distinct)."""
    tracks = _jitter(seconds, rng)
    out = {p: _resample(tracks[p], times) for p in PROPERTIES}
    out[main] = values
    return out


def _talk(times: np.ndarray, seconds: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Syllables (half-sine mouth openings) grouped into words and phrases."""
    opening = np.zeros(len(times))
    t = 0.1
    words_left = int(rng.integers(PHRASE_WORDS[0], PHRASE_WORDS[1] + 1))
    while True:
        syllables = [
            (rng.uniform(*SYLLABLE_S), rng.uniform(*SYLLABLE_OPENING))
            for _ in range(int(rng.integers(WORD_SYLLABLES[0], WORD_SYLLABLES[1] + 1)))
        ]
        if t + sum(d for d, _ in syllables) > seconds - 0.05:
            break
        for dur, amp in syllables:
            inside = (times >= t) & (times < t + dur)
            opening[inside] = amp * np.sin(np.pi * (times[inside] - t) / dur)
            t += dur
        words_left -= 1
        if words_left == 0:
            t += rng.uniform(*PHRASE_PAUSE_S)
            words_left = int(rng.integers(PHRASE_WORDS[0], PHRASE_WORDS[1] + 1))
        else:
            t += rng.uniform(*WORD_GAP_S)
    mouth = BASE["mouth"] + (MOUTH_OPEN - BASE["mouth"]) * opening
    return _with_jitter("mouth", mouth, times, seconds, rng)


def _blink(times: np.ndarray, seconds: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Evenly spaced blinks with the original's first profile and a random depth each."""
    eyes = np.full(_reference_frames(seconds), BASE["eyes"])
    count = max(1, int(seconds // BLINK_EVERY_S))
    for k in range(count):
        values = _blink_values(rng, profile=0)
        centre = (k + 0.5) * seconds / count * REF_FPS
        start = max(0, round(centre - (len(values) - 1) / 2))
        eyes[start : start + len(values)] = values[: len(eyes) - start]
    return _with_jitter("eyes", _resample(eyes, times), times, seconds, rng)


def _turn(times: np.ndarray, seconds: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One smooth sweep of the head to one side, across to the other and back."""
    pose = BASE["pose"] - TURN_AMPLITUDE * np.sin(2 * np.pi * times / seconds)
    return _with_jitter("pose", pose, times, seconds, rng)


def _idle(times: np.ndarray, seconds: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The original's idle face: a bounded random walk around the rest weights and random
    blinks (2.5% a frame, starts at least 1 s apart); eased back to the first frame at the
    end so that a looping GIF does not jump."""
    n_ref = _reference_frames(seconds)
    loop_close = min(LOOP_CLOSE_S, seconds / 4)
    last_start = n_ref - 1 - math.ceil(loop_close * REF_FPS) - max(map(len, BLINK_PROFILES))
    tracks = _jitter(seconds, rng)
    last_blink = -math.inf
    k = 0
    while k <= last_start:
        if k - last_blink >= BLINK_GAP_S * REF_FPS and rng.random() < BLINK_CHANCE:
            values = _blink_values(rng)
            tracks["eyes"][k : k + len(values)] = values
            last_blink = k
            k += len(values)
        else:
            k += 1
    out = {p: _resample(tracks[p], times) for p in PROPERTIES}
    tail = times > seconds - loop_close
    if tail.any() and len(times) > 1:
        f = (times[tail] - (seconds - loop_close)) / loop_close
        for p in PROPERTIES:
            out[p][tail] = _ease(out[p][tail], np.full(tail.sum(), out[p][0]), f)
    return out


_BUILDERS = {"talk": _talk, "blink": _blink, "turn": _turn, "idle": _idle}


def clip_weights(clip: str, seconds: float, fps: float, seed: int) -> dict[str, np.ndarray]:
    """The clip's per-frame weights in the original's units: {property: (frames,)}."""
    if clip not in _BUILDERS:
        raise OhloraError(f"unknown clip {clip!r}: use one of {', '.join(CLIPS)}")
    n = frame_count(seconds, fps)
    times = np.arange(n) / fps
    weights = _BUILDERS[clip](times, float(seconds), np.random.default_rng(int(seed)))
    for p in PROPERTIES:
        assert weights[p].shape == (n,), (p, weights[p].shape)
    return weights


def to_targets(weights: dict[str, np.ndarray], rest: dict[str, float]) -> dict[str, np.ndarray]:
    """Map the original's weights to ohlora's normalised targets around the rest face."""
    return {p: (rest[p] - SCALE[p] * weights[p]).astype(np.float64) for p in PROPERTIES}


def clip_targets(
    clip: str, seconds: float, fps: float, seed: int, rest: dict[str, float]
) -> dict[str, np.ndarray]:
    """Per-frame normalised targets {eyes, mouth, pose: (frames,)} of a clip around `rest`.

    In `talk` the mouth target is capped at TALK_MOUTH_CAP (or the rest face's own mouth, if
    that is higher): the mouth's scores are skewed (closed faces bunch near -0.8, open ones
    reach +3), and a syllable of a face whose mouth is already ajar would otherwise shout.
    In every clip the pose stays within +-POSE_REACH (or as far out as the rest face sits): a
    face already turned far is turned back and forth on its own side of the limit, not asked
    past the generator's reach."""
    targets = to_targets(clip_weights(clip, seconds, fps, seed), rest)
    if clip == "talk":
        targets["mouth"] = np.minimum(targets["mouth"], max(TALK_MOUTH_CAP, rest["mouth"]))
    lo, hi = min(-POSE_REACH, rest["pose"]), max(POSE_REACH, rest["pose"])
    targets["pose"] = np.clip(targets["pose"], lo, hi)
    return targets
