"""Row filters over stored columns, e.g. "gender>=0.5,quality>=0.5" (all conditions must hold)."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable

import numpy as np

from ohlora.errors import OhloraError
from ohlora.store.samples import Samples

_OPS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
}
_COND = re.compile(
    r"^\s*([A-Za-z_][\w.]*)\s*(>=|<=|==|!=|>|<)\s*([-+]?[\d.]+(?:[eE][-+]?\d+)?)\s*$"
)


def meets(values: np.ndarray, op: str, value: float) -> np.ndarray:
    """Rows whose value meets `op value` (NaN never does)."""
    values = np.asarray(values, np.float64)
    with np.errstate(invalid="ignore"):
        return _OPS[op](values, value) & np.isfinite(values)


def parse_filter(expr: str) -> list[tuple[str, str, float]]:
    """Split "a>=1,b<2" into (column, op, value) triples; a bad part is a clear error."""
    conds = []
    for part in (p for p in expr.split(",") if p.strip()):
        m = _COND.match(part)
        if not m:
            raise OhloraError(
                f"cannot read filter condition {part.strip()!r}: write "
                "COLUMN OP NUMBER with OP one of >= <= > < == != "
                '(e.g. "gender>=0.5,quality>=0.5")'
            )
        conds.append((m.group(1), m.group(2), float(m.group(3))))
    return conds


def filter_mask(
    samples: Samples, expr: str | None, property_columns: dict[str, str] | None = None
) -> np.ndarray:
    """Boolean mask of rows meeting every condition (NaN never meets one).

    Names resolve to annotation columns (gender, quality, ...), then property names through
    `property_columns` (normalised scores), then raw score column names (normalised).
    """
    mask = np.ones(len(samples), bool)
    if not expr:
        return mask
    for name, op, value in parse_filter(expr):
        col_name = (property_columns or {}).get(name, name)
        if name not in samples.annotations and col_name not in samples.columns:
            known = sorted(samples.annotations) + sorted(property_columns or {})
            hint = " (run `ohlora classify` first)" if name in ("gender", "quality") else ""
            raise OhloraError(
                f"filter names unknown column {name!r}{hint}; "
                f"known: {', '.join(known)} or a raw score column"
            )
        mask &= meets(samples.column(name if name in samples.annotations else col_name), op, value)
    return mask
