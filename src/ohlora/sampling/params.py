"""What determines a sample store's content, recorded in the run's config under `sample`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class SampleParams:
    """Every parameter that determines a sample store's content (row i has seed `seed + i`)."""

    generator: str
    n: int
    seed: int
    shard_size: int
    scorer: str
    cnn: str | None = None  # the property-CNN folder (scorer "cnn" only)
    cnn_sha256: str | None = None  # its weights' digest: a retrained CNN is another scorer

    def compatible(self, other: dict[str, Any]) -> list[str]:
        """Names of parameters that differ from a recorded run (n may grow)."""
        mine = asdict(self)
        return [k for k in mine if k != "n" and other.get(k) != mine[k]]
