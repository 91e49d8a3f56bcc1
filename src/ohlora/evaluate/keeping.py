"""What an edit keeps: the person, the unasked properties, the background; and obedience as
seen by the independent judge.

Per case (one base face, its K edits):
* identity: dlib's descriptor distance of each edited face to the unedited one, and the
  share under dlib's same-person threshold (0.6);
* unasked: MAE (normalised units) of hair colour, hair length, background mean and std,
  edited against unedited, as the test's judge scorer reads them;
* background: mean absolute pixel change (0..255, over the three channels) outside the
  unedited face's person mask (mediapipe's selfie segmenter, probability < 0.5);
* independent obedience: corr and MAE of asked against dlib's eyes / mouth / pose readings,
  scored by the same rules as the main judge's.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ohlora.evaluate.metrics import CaseResult, nanmean, score_case, summarise
from ohlora.faces.analysis import FaceAnalyzer
from ohlora.scorers.dlib.judge import DlibJudge, identity_distance, same_person

UNASKED = ("hair_color", "hair_length", "background_mean", "background_std")
# bins of the asked turn, |asked pose - the unedited face's measured pose| in sd: where the
# person is lost (turns beyond about one sd change the person on the embedded DCGAN)
TURN_BINS = ((0.0, 1.0), (1.0, 2.0), (2.0, np.inf))
PERSON_THRESHOLD = 0.5


@dataclass
class KeepResult:
    """One case's keeping figures (identity and independent fields are None without dlib)."""

    distance: np.ndarray | None  # (K,) descriptor distance to the unedited face
    unasked_mae: dict[str, float]
    background: float  # mean abs pixel change outside the person, 0..255
    independent: CaseResult | None  # asked vs dlib readings
    # the unedited face's dlib descriptor (128,), None without dlib (the population's
    # diversity is measured between these), and whether dlib's detector found that face
    # (else the descriptor is read from the fixed face box, as for every judged face)
    base_descriptor: np.ndarray | None = None
    base_detected: bool = False
    turn: np.ndarray | None = None  # (K,) |asked pose - base pose| in sd (NaN: unmeasured)

    @property
    def same_share(self) -> float:
        return float(same_person(self.distance).mean()) if self.distance is not None else np.nan

    @property
    def mean_distance(self) -> float:
        return float(self.distance.mean()) if self.distance is not None else np.nan


class KeepingChecks:
    """Measures what each case's edits keep; `judge` None skips identity and dlib obedience."""

    def __init__(self, judge: DlibJudge | None) -> None:
        self.judge = judge
        self._analyzer: FaceAnalyzer | None = None

    def outside_person(self, base_image: np.ndarray) -> np.ndarray:
        """Boolean H x W mask of the unedited face's background."""
        if self._analyzer is None:
            self._analyzer = FaceAnalyzer(256)
        person = self._analyzer.analyse_one(base_image).person
        h, w = base_image.shape[:2]
        return cv2.resize(person, (w, h), interpolation=cv2.INTER_AREA) < PERSON_THRESHOLD

    def check(
        self,
        asked: np.ndarray,
        base_image: np.ndarray,
        images: np.ndarray,
        base_measured: np.ndarray,
        measured: np.ndarray,
        properties: list[str],
    ) -> KeepResult:
        """asked (K, 3); base_image (H, W, 3); images (K, H, W, 3); base_measured (P,) and
        measured (K, P): the test judge's readings in the order of `properties`."""
        k = len(images)
        assert asked.shape == (k, 3) and measured.shape == (k, len(properties)), (
            asked.shape,
            measured.shape,
        )
        assert base_image.shape == images.shape[1:], (base_image.shape, images.shape)
        unasked = {}
        for p in UNASKED:
            if p in properties:
                j = properties.index(p)
                diff = np.abs(measured[:, j] - base_measured[j])
                unasked[p] = float(np.nanmean(diff)) if np.isfinite(diff).any() else np.nan
        outside = self.outside_person(base_image)
        change = np.abs(images.astype(np.int16) - base_image.astype(np.int16)).mean(-1)
        background = float(change[:, outside].mean()) if outside.any() else np.nan
        distance = independent = base_descriptor = None
        detected = False
        if self.judge is not None:
            seen = self.judge.analyse(np.concatenate([base_image[None], images]))
            distance = identity_distance(seen.descriptors[1:], seen.descriptors[0])
            independent = score_case(asked, seen.readings[1:].astype(np.float64))
            base_descriptor = np.asarray(seen.descriptors[0], np.float32).copy()
            detected = bool(seen.detected[0])
        turn = None
        if "pose" in properties:
            turn = np.abs(asked[:, 2] - base_measured[properties.index("pose")]).astype(float)
        return KeepResult(
            distance, unasked, background, independent, base_descriptor, detected, turn
        )

    def close(self) -> None:
        if self._analyzer is not None:
            self._analyzer.close()
            self._analyzer = None
        if self.judge is not None:
            self.judge.close()


def summarise_keeping(keeps: list[KeepResult]) -> dict:
    """Overall figures: identity over every edited face (not a mean of case means), unasked
    MAE and background change as means over cases, and the independent judge's summary."""
    out: dict = {
        "unasked_mae": {p: nanmean([k.unasked_mae.get(p, np.nan) for k in keeps]) for p in UNASKED},
        "background_change": nanmean([k.background for k in keeps]),
    }
    dist = [k.distance for k in keeps if k.distance is not None]
    if dist:
        all_d = np.concatenate(dist)
        out["identity"] = {
            "same_person_share": float(same_person(all_d).mean()),
            "mean_distance": float(all_d.mean()),
            "worst_case_same_share": float(
                min(k.same_share for k in keeps if k.distance is not None)
            ),
            "faces": int(len(all_d)),
        }
        by_turn = _identity_by_turn(keeps)
        if by_turn:
            out["identity"]["by_turn"] = by_turn
    judged = [k.independent for k in keeps if k.independent is not None]
    if judged:
        out["independent"] = {"judge": "dlib", **summarise(judged)}
    return out


def _identity_by_turn(keeps: list[KeepResult]) -> list[dict]:
    """Same-person share of the edited faces in each `TURN_BINS` bin of the asked turn."""
    pairs = [(k.distance, k.turn) for k in keeps if k.distance is not None and k.turn is not None]
    if not pairs:
        return []
    dist = np.concatenate([d for d, _ in pairs])
    turn = np.concatenate([t for _, t in pairs])
    out = []
    for lo, hi in TURN_BINS:
        sel = (turn >= lo) & (turn < hi)
        if sel.any():
            out.append(
                {
                    "turn_from": lo,
                    "turn_to": hi if np.isfinite(hi) else None,
                    "faces": int(sel.sum()),
                    "same_person_share": float(same_person(dist[sel]).mean()),
                    "mean_distance": float(dist[sel].mean()),
                }
            )
    return out


@dataclass
class ClipConsistency:
    """How well a clip stays one person: each frame against frame 0."""

    same_share: float  # frames judged the same person as frame 0 (frame 0 excluded)
    mean_distance: float
    max_distance: float
    background_change: float  # mean abs pixel change outside frame 0's person mask

    def as_dict(self) -> dict[str, float]:
        return {
            "same_person_share": self.same_share,
            "mean_distance": self.mean_distance,
            "max_distance": self.max_distance,
            "background_change": self.background_change,
        }


def clip_consistency(frames: np.ndarray, checks: KeepingChecks) -> ClipConsistency:
    """Every frame of a clip (uint8 (F, H, W, 3), at the generator's resolution) measured
    against its first frame by the independent judge."""
    assert frames.ndim == 4 and len(frames) >= 2 and frames.dtype == np.uint8, frames.shape
    if checks.judge is None:
        raise ValueError("clip consistency needs the dlib judge")
    seen = checks.judge.analyse(frames)
    dist = identity_distance(seen.descriptors[1:], seen.descriptors[0])
    outside = checks.outside_person(frames[0])
    change = np.abs(frames[1:].astype(np.int16) - frames[0].astype(np.int16)).mean(-1)
    background = float(change[:, outside].mean()) if outside.any() else float("nan")
    return ClipConsistency(
        float(same_person(dist).mean()), float(dist.mean()), float(dist.max()), background
    )
