"""Conditions over the classifiers' probabilities, e.g. "gender>=0.5,quality>=0.5".

The syntax is the sample store's row filter (`ohlora.store.filter`); here only the two
classifier outputs may be named, because these conditions judge faces that have no stored
scores (fresh base faces in `ohlora evaluate`, the labelled faces' out-of-fold predictions).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ohlora.errors import OhloraError
from ohlora.store.filter import meets, parse_filter

NAMES = ("gender", "quality")
DEFAULT_FILTER = "gender>=0.5,quality>=0.5"


def parse_conditions(expr: str) -> list[tuple[str, str, float]]:
    """(name, op, value) triples naming gender / quality only; anything else is an error."""
    conds = parse_filter(expr)
    bad = sorted({name for name, _, _ in conds if name not in NAMES})
    if bad:
        raise OhloraError(
            f"this filter can only use gender and quality (the classifiers' probabilities), "
            f'not {", ".join(bad)}: e.g. "gender>=0.5,quality>=0.5"'
        )
    if not conds:
        raise OhloraError('the filter is empty: write e.g. "gender>=0.5,quality>=0.5"')
    return conds


def needed(expr: str) -> tuple[str, ...]:
    """The classifier tasks a filter reads, in NAMES order."""
    used = {name for name, _, _ in parse_conditions(expr)}
    return tuple(n for n in NAMES if n in used)


def condition_mask(values: Mapping[str, np.ndarray], expr: str) -> np.ndarray:
    """Rows whose values meet every condition (NaN never meets one)."""
    conds = parse_conditions(expr)
    n = len(next(iter(values.values())))
    mask = np.ones(n, bool)
    for name, op, v in conds:
        mask &= meets(values[name], op, v)
    return mask
