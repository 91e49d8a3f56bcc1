"""Edit plans: a CSV with columns seed,eyes,mouth,pose (optional out), one face per row.

Values are targets in normalised units (0 is the population mean, 1 one standard deviation);
an empty cell means "not asked: keep as it is". Without an `out` column, row i (0-based data
row) is written to OUTDIR/{i:05d}.png; a relative `out` is taken relative to OUTDIR.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ohlora.errors import OhloraError
from ohlora.generators.seeds import SEED_MAX
from ohlora.runinfo import read_csv_text

REQUIRED = ("seed", "eyes", "mouth", "pose")


@dataclass
class Plan:
    """Parsed plan: seeds (N,), targets {property: (N,) float, NaN = not asked}, out paths."""

    seeds: np.ndarray
    targets: dict[str, np.ndarray]
    outs: list[Path]

    def __len__(self) -> int:
        return len(self.seeds)


def default_name(row: int) -> str:
    return f"{row:05d}.png"


def read_plan(path: Path, outdir: Path, properties: list[str] | None = None) -> Plan:
    """Read and validate a plan; any problem is one OhloraError naming the row (1 = first)."""
    path = Path(path)
    text = read_csv_text(path, "plan")
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise OhloraError(
            f"plan {path}: missing column(s) {', '.join(missing)}; the header "
            f"must hold seed,eyes,mouth,pose (and optionally out), got "
            f"{','.join(header) or 'nothing'}"
        )
    props = [
        c for c in header if c not in ("seed", "out") and (properties is None or c in properties)
    ]
    seeds, outs = [], []
    targets: dict[str, list[float]] = {p: [] for p in props}
    for i, raw in enumerate(reader):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        where = f"plan {path}, row {i + 1} (line {i + 2})"
        if None in raw:
            raise OhloraError(f"{where}: more cells than header columns")
        seed_text = row.get("seed", "")
        try:
            seed = int(seed_text)
        except ValueError:
            raise OhloraError(f"{where}: seed {seed_text!r} is not a whole number") from None
        if not 0 <= seed <= SEED_MAX:
            raise OhloraError(f"{where}: seed {seed} is out of range (0..{SEED_MAX})")
        for p in props:
            cell = row.get(p, "")
            if cell == "":
                targets[p].append(math.nan)
                continue
            try:
                v = float(cell)
            except ValueError:
                raise OhloraError(f"{where}: {p} {cell!r} is not a number") from None
            if not math.isfinite(v) or abs(v) > 10:
                raise OhloraError(f"{where}: {p} {v} is outside -10..10 normalised units")
            targets[p].append(v)
        out = row.get("out", "")
        outs.append(Path(outdir) / (out if out else default_name(i)))
        seeds.append(seed)
    if not seeds:
        raise OhloraError(f"plan {path} has a header but no rows")
    dupes = {str(o) for o, c in Counter(outs).items() if c > 1}
    if dupes:
        raise OhloraError(
            f"plan {path}: several rows write {sorted(dupes)[0]}: give each row its own out"
        )
    return Plan(
        np.array(seeds, np.int64), {p: np.array(v, np.float64) for p, v in targets.items()}, outs
    )
