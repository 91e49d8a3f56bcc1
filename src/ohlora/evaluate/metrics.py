"""Per-case obedience metrics: Pearson corr and MAE of asked vs measured, and the pass rules."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ohlora.evaluate.protocols import PROPS, V3_CORR, V3_MAE, V7_ABS_CORR

MIN_VALID = 0.8  # share of a case's images that must show a face for the case to count


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation; NaN when either side is constant or fewer than 3 pairs."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    if len(x) < 3 or x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


@dataclass
class CaseResult:
    """One case: corr and MAE per property, how many images showed a face, pass flags."""

    corr: dict[str, float]
    mae: dict[str, float]
    valid: int
    total: int
    pass_v3: bool
    pass_v7: bool

    @property
    def corr_sum(self) -> float:
        return float(sum(self.corr[p] for p in PROPS))


def score_case(asked: np.ndarray, measured: np.ndarray) -> CaseResult:
    """asked, measured: (K, 3) in normalised units (eyes, mouth, pose); NaN = no face found.

    Images where no face was found are left out of corr and MAE; a case with fewer than 80%
    of its images measurable fails both rules.
    """
    assert asked.shape == measured.shape and asked.shape[1] == len(PROPS), (
        asked.shape,
        measured.shape,
    )
    ok = np.isfinite(measured).all(1)
    corr, mae = {}, {}
    for j, p in enumerate(PROPS):
        corr[p] = pearson(asked[ok, j], measured[ok, j])
        mae[p] = float(np.mean(np.abs(asked[ok, j] - measured[ok, j]))) if ok.any() else np.nan
    enough = ok.sum() >= MIN_VALID * len(asked)

    def ge(v: float, t: float) -> bool:
        return bool(np.isfinite(v) and v >= t)

    pass_v3 = enough and all(
        ge(corr[p], V3_CORR[p]) and np.isfinite(mae[p]) and mae[p] <= V3_MAE[p] for p in PROPS
    )
    pass_v7 = enough and all(ge(abs(corr[p]), V7_ABS_CORR[p]) for p in PROPS)
    return CaseResult(corr, mae, int(ok.sum()), len(asked), bool(pass_v3), bool(pass_v7))


def summarise(cases: list[CaseResult]) -> dict:
    """Mean corr / MAE over cases (NaN-aware) and pass counts under both rules."""
    out: dict = {"cases": len(cases)}
    for key in ("corr", "mae"):
        out[f"mean_{key}"] = {p: nanmean([getattr(c, key)[p] for c in cases]) for p in PROPS}
    out["mean_corr_sum"] = float(sum(out["mean_corr"][p] for p in PROPS))
    out["passed_v3"] = int(sum(c.pass_v3 for c in cases))
    out["passed_v7"] = int(sum(c.pass_v7 for c in cases))
    out["faces_lost"] = int(sum(c.total - c.valid for c in cases))
    return out


def nanmean(values: list[float]) -> float:
    """Mean of the finite values; NaN when there are none."""
    arr = np.array(values, np.float64)
    return float(np.nanmean(arr)) if np.isfinite(arr).any() else float("nan")
