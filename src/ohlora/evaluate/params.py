"""The options of the generation test and of sweeps, as frozen values built by the commands.

Fields carry the command-line names of `ohlora evaluate` and `ohlora sweep`; the editor's own
options travel inside as an `EditParams`, direction finding's as a `FindParams`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ohlora.editing.params import EditParams
from ohlora.vectorfind.params import FindParams


@dataclass(frozen=True)
class EvalParams:
    """One generation test: which faces, which asked grid, which judge, where the report goes."""

    cases: int = 20  # base faces
    protocol: str = "v7"  # asked grid and pass rule (v7 or v3)
    judge: str = "mesh"  # the scorer that measures the edited faces
    second_judge: str = "dlib"  # independent judge of identity and obedience (or "none")
    filter: str | None = None  # draw base faces meeting these conditions (gender, quality)
    seed: int = 0  # draws the base faces
    out: Path | None = None  # report folder (None: RUN/eval-PROTOCOL)
    edit: EditParams = field(default_factory=EditParams)


@dataclass(frozen=True)
class SweepParams:
    """Direction finding and a generation test at every (n, k) of a grid."""

    n: tuple[int, ...]  # first n rows of the store
    k: tuple[float, ...]  # top/bottom shares or counts
    cases: int = 20
    protocol: str = "v7"
    refine: int = 0  # closed-loop rounds of the edit (0: the directions alone)
    workers: int = 2
    out: Path | None = None  # (None: RUN/sweep)
    find: FindParams = field(default_factory=FindParams)  # n and k replaced per point
