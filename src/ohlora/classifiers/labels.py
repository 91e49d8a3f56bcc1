"""Hand labels of gender and quality: strict CSV reading, the shipped set, the run's sheet.

Two CSV layouts, told apart by their header:

* `index,gender,quality` with `latents.npy` beside it (float32 rows x z_dim; row `index` is
  that face's z): the shipped set's layout, complete 0/1 labels only.
* `index,seed,gender,quality`: a run's labelling sheet (`ohlora label serve`); the face is
  regenerated from its seed, a cell may be empty (not labelled yet), and a skipped face has
  `skip` in both label cells.

gender: 1 woman, 0 man; quality: 1 good, 0 bad (spec 3.1). Any other content is an error that
names the file and line, so that a hand-edited sheet never trains on garbage silently.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ohlora.errors import OhloraError
from ohlora.generators.seeds import SEED_MAX
from ohlora.runinfo import read_csv_text

LATENT_HEADER = ("index", "gender", "quality")
SEED_HEADER = ("index", "seed", "gender", "quality")
LATENTS_FILE = "latents.npy"
SKIP = "skip"
SHIPPED_GENERATOR = "dcgan-digiface-64"
_MEANING = {"gender": "1 (woman) or 0 (man)", "quality": "1 (good) or 0 (bad)"}


@dataclass
class LabelSet:
    """Labelled faces from one CSV. Labels are float32: 1, 0 or NaN (not labelled)."""

    source: str
    index: np.ndarray  # int64 N
    gender: np.ndarray  # float32 N
    quality: np.ndarray  # float32 N
    skipped: np.ndarray  # bool N
    seeds: np.ndarray | None = None  # int64 N (seed layout)
    latents: np.ndarray | None = None  # float32 N x z_dim (latent layout)
    generator: str | None = None  # the generator the labels were made on, when known

    def __len__(self) -> int:
        return len(self.index)

    def latents_for(self, gen) -> np.ndarray:
        """float32 z of every row: stored ones, or regenerated from the seeds."""
        if self.latents is not None:
            if self.latents.shape[1] != gen.z_dim:
                raise OhloraError(
                    f"{self.source} holds {self.latents.shape[1]}-d latents but {gen.name} "
                    f"takes {gen.z_dim}-d: these labels belong to another generator"
                )
            return self.latents
        assert self.seeds is not None
        return gen.latents_for_seeds(self.seeds.tolist())

    def subset(self, mask: np.ndarray) -> LabelSet:
        """Rows where `mask` holds."""
        return LabelSet(
            self.source,
            self.index[mask],
            self.gender[mask],
            self.quality[mask],
            self.skipped[mask],
            None if self.seeds is None else self.seeds[mask],
            None if self.latents is None else self.latents[mask],
            self.generator,
        )


def _fail(path: Path | str, line: int, problem: str) -> OhloraError:
    return OhloraError(f"{path} line {line}: {problem}")


def _label_cell(
    path: Path, line: int, name: str, text: str, allow_open: bool
) -> tuple[float, bool]:
    """(value, skipped) of one gender/quality cell."""
    if text in ("0", "1"):
        return float(text), False
    if allow_open and text == "":
        return float("nan"), False
    if allow_open and text == SKIP:
        return float("nan"), True
    extra = ", empty (not labelled yet) or skip" if allow_open else ""
    raise _fail(path, line, f"{name} is {text!r}; write {_MEANING[name]}{extra}")


def _int_cell(path: Path, line: int, name: str, text: str, hi: int) -> int:
    if not text.isdigit() or int(text) > hi:
        raise _fail(path, line, f"{name} is {text!r}; write an integer in 0..{hi}")
    return int(text)


def read_labels(path: Path | str) -> LabelSet:
    """Read a labels CSV of either layout, strictly; a problem is an error naming its line."""
    path = Path(path)
    text = read_csv_text(path, "labels CSV")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise _fail(path, 1, f"the file is empty; the header must be {','.join(SEED_HEADER)}")
    header = tuple(c.strip() for c in rows[0])
    if header not in (LATENT_HEADER, SEED_HEADER):
        raise _fail(
            path,
            1,
            f"header is {','.join(header)!r}; it must be {','.join(LATENT_HEADER)} "
            f"(with {LATENTS_FILE} beside it) or {','.join(SEED_HEADER)}",
        )
    seeded = header == SEED_HEADER
    index, seeds, gender, quality, skipped = [], [], [], [], []
    first_line: dict[int, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not row:  # a blank line
            continue
        cells = [c.strip() for c in row]
        if len(cells) != len(header):
            raise _fail(
                path,
                n,
                f"{len(cells)} columns where the header has {len(header)} ({','.join(header)})",
            )
        i = _int_cell(path, n, "index", cells[0], 10**9)
        if i in first_line:
            raise _fail(path, n, f"index {i} repeats line {first_line[i]}; each face once")
        first_line[i] = n
        g, g_skip = _label_cell(path, n, "gender", cells[-2], seeded)
        q, q_skip = _label_cell(path, n, "quality", cells[-1], seeded)
        if g_skip != q_skip:
            raise _fail(path, n, f"a skipped face has {SKIP} in both gender and quality")
        index.append(i)
        gender.append(g)
        quality.append(q)
        skipped.append(g_skip)
        if seeded:
            seeds.append(_int_cell(path, n, "seed", cells[1], SEED_MAX))
    out = LabelSet(
        str(path),
        np.array(index, np.int64),
        np.array(gender, np.float32),
        np.array(quality, np.float32),
        np.array(skipped, bool),
    )
    if seeded:
        out.seeds = np.array(seeds, np.int64)
        out.generator = _run_generator(path.parent)
        return out
    out.latents = _latents_beside(path, out.index)
    return out


def _latents_beside(path: Path, index: np.ndarray) -> np.ndarray:
    lat_path = path.parent / LATENTS_FILE
    if not lat_path.is_file():
        raise OhloraError(
            f"{path} has no seed column, so its faces' z come from {lat_path}, which is "
            "missing: put it beside the CSV (or label by seed with `ohlora label serve`)"
        )
    try:
        lat = np.load(lat_path, allow_pickle=False)
    except (OSError, ValueError) as e:
        raise OhloraError(f"{lat_path} is not a readable .npy ({e.__class__.__name__})") from None
    if lat.ndim != 2 or lat.dtype != np.float32:
        raise OhloraError(f"{lat_path} must be float32 rows x z_dim, not {lat.dtype} {lat.shape}")
    if len(index) and index.max() >= len(lat):
        raise OhloraError(
            f"{path} labels index {int(index.max())} but {lat_path} has only {len(lat)} rows"
        )
    return lat[index]


def _run_generator(folder: Path) -> str | None:
    """The generator recorded by `ohlora label serve` in the sheet's run, if any."""
    from ohlora.store.rundir import RunDir

    rd = RunDir(folder)
    if not rd.exists():
        return None
    cfg = rd.config()
    for stage in ("label", "sample"):
        if stage in cfg and "generator" in cfg[stage]:
            return str(cfg[stage]["generator"])
    return None


def shipped_labels_path() -> Path:
    """The 256 hand labels shipped with the package (embedded DCGAN faces)."""
    from importlib.resources import files

    return Path(str(files("ohlora") / "data" / "gender_quality" / "labels.csv"))


def shipped_labels() -> LabelSet:
    """The shipped labelled set (see data/gender_quality/README.md)."""
    s = read_labels(shipped_labels_path())
    s.generator = SHIPPED_GENERATOR
    return s


def format_seed_sheet(
    seeds: np.ndarray, gender: np.ndarray, quality: np.ndarray, skipped: np.ndarray
) -> bytes:
    """CSV bytes of a labelling sheet in the seed layout (row i has index i)."""

    def cell(v: float, skip: bool) -> str:
        if skip:
            return SKIP
        return "" if np.isnan(v) else str(int(v))

    lines = [",".join(SEED_HEADER)]
    for i, (s, g, q, k) in enumerate(zip(seeds, gender, quality, skipped, strict=True)):
        lines.append(f"{i},{int(s)},{cell(g, k)},{cell(q, k)}")
    return ("\n".join(lines) + "\n").encode()


def format_latent_set(gender: np.ndarray, quality: np.ndarray) -> bytes:
    """CSV bytes of the latent layout (row i has index i; labels must be complete)."""
    assert np.isin(gender, (0, 1)).all() and np.isin(quality, (0, 1)).all()
    lines = [",".join(LATENT_HEADER)]
    lines += [
        f"{i},{int(g)},{int(q)}" for i, (g, q) in enumerate(zip(gender, quality, strict=True))
    ]
    return ("\n".join(lines) + "\n").encode()
