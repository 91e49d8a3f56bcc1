"""Hand labels of gender and quality: strict CSV reading, the shipped set, the run's sheet.

Two CSV layouts, told apart by their header:

* `index,gender,quality` with `latents.npy` beside it (float32 rows x z_dim; row `index` is
  that face's z): the shipped set's layout, complete 0/1 labels only.
* `index,seed,gender,quality[,pass]`: a run's labelling sheet (`ohlora label serve`); the
  face is regenerated from its seed, a cell may be empty (not labelled yet), and a skipped
  face has `skip` in both label cells. `pass` (written by every sheet since it was added) is
  the labelling pass that last changed the row (1 the first look, 2 an audit, ...; empty
  while the row is untouched), so that corrections stay traceable.

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
PASS_HEADER = (*SEED_HEADER, "pass")
PASS_MAX = 99
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
    passes: np.ndarray | None = None  # int64 N: labelling pass of each row, 0 = none (seed layout)

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
            None if self.passes is None else self.passes[mask],
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
    if header not in (LATENT_HEADER, SEED_HEADER, PASS_HEADER):
        raise _fail(
            path,
            1,
            f"header is {','.join(header)!r}; it must be {','.join(LATENT_HEADER)} "
            f"(with {LATENTS_FILE} beside it) or {','.join(PASS_HEADER)}",
        )
    seeded = header != LATENT_HEADER
    has_pass = header == PASS_HEADER
    gi, qi = header.index("gender"), header.index("quality")
    index, seeds, gender, quality, skipped, passes = [], [], [], [], [], []
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
        g, g_skip = _label_cell(path, n, "gender", cells[gi], seeded)
        q, q_skip = _label_cell(path, n, "quality", cells[qi], seeded)
        if g_skip != q_skip:
            raise _fail(path, n, f"a skipped face has {SKIP} in both gender and quality")
        index.append(i)
        gender.append(g)
        quality.append(q)
        skipped.append(g_skip)
        if seeded:
            seeds.append(_int_cell(path, n, "seed", cells[1], SEED_MAX))
        if has_pass:
            passes.append(0 if cells[4] == "" else _int_cell(path, n, "pass", cells[4], PASS_MAX))
    out = LabelSet(
        str(path),
        np.array(index, np.int64),
        np.array(gender, np.float32),
        np.array(quality, np.float32),
        np.array(skipped, bool),
    )
    if seeded:
        out.seeds = np.array(seeds, np.int64)
        out.passes = np.array(passes, np.int64) if has_pass else np.zeros(len(index), np.int64)
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


SEED_LABELS_FILE = "labels_seeds.csv"


def shipped_labels_path(name: str = "labels.csv") -> Path:
    """A hand-label file shipped with the package (embedded DCGAN faces)."""
    from importlib.resources import files

    return Path(str(files("ohlora") / "data" / "gender_quality" / name))


def shipped_labels() -> LabelSet:
    """The first shipped set: 256 faces given by latents (see data/gender_quality/README.md)."""
    s = read_labels(shipped_labels_path())
    s.generator = SHIPPED_GENERATOR
    return s


def shipped_seed_labels() -> LabelSet:
    """The second shipped set: 1,744 faces of seeds 200000..201743, labelled on the page."""
    s = read_labels(shipped_labels_path(SEED_LABELS_FILE))
    s.generator = SHIPPED_GENERATOR
    return s


def shipped_label_sets() -> list[LabelSet]:
    """All shipped hand labels (2,000 faces, the original's number): both sets, in order."""
    return [shipped_labels(), shipped_seed_labels()]


def format_seed_sheet(
    seeds: np.ndarray,
    gender: np.ndarray,
    quality: np.ndarray,
    skipped: np.ndarray,
    passes: np.ndarray,
) -> bytes:
    """CSV bytes of a labelling sheet in the seed layout with its pass column (row i: index i)."""

    def cell(v: float, skip: bool) -> str:
        if skip:
            return SKIP
        return "" if np.isnan(v) else str(int(v))

    lines = [",".join(PASS_HEADER)]
    rows = zip(seeds, gender, quality, skipped, passes, strict=True)
    for i, (s, g, q, k, p) in enumerate(rows):
        lines.append(f"{i},{int(s)},{cell(g, k)},{cell(q, k)},{int(p) if p else ''}")
    return ("\n".join(lines) + "\n").encode()


def format_latent_set(gender: np.ndarray, quality: np.ndarray) -> bytes:
    """CSV bytes of the latent layout (row i has index i; labels must be complete)."""
    assert np.isin(gender, (0, 1)).all() and np.isin(quality, (0, 1)).all()
    lines = [",".join(LATENT_HEADER)]
    lines += [
        f"{i},{int(g)},{int(q)}" for i, (g, q) in enumerate(zip(gender, quality, strict=True))
    ]
    return ("\n".join(lines) + "\n").encode()
