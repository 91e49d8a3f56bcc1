"""Edit plans: a CSV with columns seed,eyes,mouth,pose (optional out), one face per row.

Values are targets in normalised units (0 is the population mean, 1 one standard deviation);
an empty cell means "not asked: keep as it is". Without an `out` column, row i (0-based data
row) is written to OUTDIR/{i:05d}.png; an `out` cell is a path inside OUTDIR (never absolute,
never through `..`) ending in .png, .jpg or .jpeg.

Plans are strict, because a lenient reading silently edits something else than was asked: an
unknown or repeated column, a row with more or fewer cells than the header, a target for a
property the directions do not steer are all one error naming the row. Rows are counted from
0 as the output files are, with the file's line number beside.
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
from ohlora.paths import confined
from ohlora.runinfo import read_csv_text

REQUIRED = ("seed", "eyes", "mouth", "pose")
OPTIONAL = ("out",)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


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
    """Read and validate a plan; any problem is one OhloraError naming the row (0 = first
    data row, as in the default file names) and its line in the file."""
    path = Path(path)
    text = read_csv_text(path, "plan")
    lines = list(csv.reader(text.splitlines()))
    header = [h.strip() for h in lines[0]] if lines else []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise OhloraError(
            f"plan {path}: missing column(s) {', '.join(missing)}; the header "
            f"must hold seed,eyes,mouth,pose (and optionally out), got "
            f"{','.join(header) or 'nothing'}"
        )
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise OhloraError(
            f"plan {path}: unknown column(s) {', '.join(repr(c) for c in unknown)}; use only "
            "seed,eyes,mouth,pose,out"
        )
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise OhloraError(f"plan {path}: column(s) {', '.join(repeated)} appear more than once")
    props = [c for c in header if c not in ("seed", "out")]
    seeds, outs = [], []
    targets: dict[str, list[float]] = {p: [] for p in props}
    rows = [
        (n, cells) for n, cells in enumerate(lines[1:], start=2) if any(c.strip() for c in cells)
    ]
    for i, (line, cells) in enumerate(rows):
        where = f"plan {path}, row {i} (line {line})"
        if len(cells) != len(header):
            raise OhloraError(
                f"{where}: {len(cells)} cells for {len(header)} columns; give every column a "
                "cell (an empty one means not asked)"
            )
        row = {h: c.strip() for h, c in zip(header, cells, strict=True)}
        seed_text = row["seed"]
        try:
            seed = int(seed_text)
        except ValueError:
            raise OhloraError(f"{where}: seed {seed_text!r} is not a whole number") from None
        if not 0 <= seed <= SEED_MAX:
            raise OhloraError(f"{where}: seed {seed} is out of range (0..{SEED_MAX})")
        for p in props:
            cell = row[p]
            if cell == "":
                targets[p].append(math.nan)
                continue
            if properties is not None and p not in properties:
                raise OhloraError(
                    f"{where}: {p} is asked but the directions steer only "
                    f"{', '.join(properties)}; leave the {p} cells empty or find {p} directions"
                )
            try:
                v = float(cell)
            except ValueError:
                raise OhloraError(f"{where}: {p} {cell!r} is not a number") from None
            if not math.isfinite(v) or abs(v) > 10:
                raise OhloraError(f"{where}: {p} {v} is outside -10..10 normalised units")
            targets[p].append(v)
        out = row.get("out", "")
        if out and Path(out).suffix.lower() not in IMAGE_SUFFIXES:
            raise OhloraError(
                f"{where}: out {out!r} is not an image name; end it in {', '.join(IMAGE_SUFFIXES)}"
            )
        outs.append(confined(outdir, out, f"{where}: out") if out else outdir / default_name(i))
        seeds.append(seed)
    if not seeds:
        raise OhloraError(f"plan {path} has a header but no rows")
    dupes = {str(o) for o, c in Counter(outs).items() if c > 1}
    if dupes:
        raise OhloraError(
            f"plan {path}: several rows write {sorted(dupes)[0]}: give each row its own out"
        )
    if properties is not None:
        props = [p for p in props if p in properties]
    return Plan(
        np.array(seeds, np.int64), {p: np.array(targets[p], np.float64) for p in props}, outs
    )
