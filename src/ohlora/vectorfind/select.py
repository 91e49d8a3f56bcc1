"""Top / bottom-k selection of scored samples."""

from __future__ import annotations

import numpy as np

from ohlora.errors import OhloraError


def k_count(k: float, n: int) -> int:
    """k as a count: a fraction of n when 0 < k <= 0.5, a count when k > 1."""
    if 0 < k <= 0.5:
        return int(round(k * n))
    if k >= 1 and float(k).is_integer():
        return int(k)
    raise OhloraError(f"k={k} is neither a fraction in (0, 0.5] nor a whole count >= 1")


def top_bottom(
    scores: np.ndarray, k: float, what: str = "property"
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the k highest and k lowest finite scores (k: fraction or count).

    Too few finite scores for 2k distinct rows is an error that names the numbers.
    """
    assert scores.ndim == 1, scores.shape
    valid = np.flatnonzero(np.isfinite(scores))
    count = k_count(k, len(valid))
    if count < 2 or 2 * count > len(valid):
        raise OhloraError(
            f"{what}: k={k} asks for {count} top and {count} bottom faces but only "
            f"{len(valid)} faces have a score: lower k or sample more faces"
        )
    order = valid[np.argsort(scores[valid], kind="stable")]
    return order[-count:][::-1], order[:count]
