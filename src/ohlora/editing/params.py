"""How an editor over a run edits and measures, as one frozen value built by the commands.

Fields carry the command-line names of `ohlora edit` / `ohlora evaluate` (`--directions`,
`--refine`, `--views`, `--method`, `--workers`, `--max-turn`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class EditParams:
    """The directions an editor steers along and how it measures its faces."""

    directions: Path | None = None  # a directions folder (None: RUN/directions)
    refine: int = 2  # closed-loop correction rounds (0: open loop)
    views: int = 1  # test-time views averaged in the edit's own measurements (1..4)
    # local: region-local rendering; calibrated: targets solved into global steps; seed: the
    # original's rule; auto: local where the generator allows it, else calibrated
    method: str = "auto"
    workers: int = 2  # face-analysis processes of the edit's meter (0: in-process)
    scorer: str = "mesh"  # the scorer that measures base and edited faces
    # the most the pose may move from the base face's, in standard deviations (None: as far
    # as asked); turns beyond about one sd change the person on the embedded DCGAN
    max_turn: float | None = None
