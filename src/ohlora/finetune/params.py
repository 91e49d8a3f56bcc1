"""The options of one fine-tuning run, as a frozen value built by `ohlora finetune`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

VERSIONS = ("v1", "v2", "v3", "v4", "v5")


@dataclass(frozen=True)
class FineTuneParams:
    """Which version, on which run's faces, for how long, and where the model goes."""

    version: str = "v3"
    out: Path | None = None  # model folder (None: RUN/finetune-VERSION)
    epochs: int = 10  # most epochs
    n: int = 2048  # training faces per epoch (the run's store rows, first N with a face)
    batch_size: int = 32
    minutes: float = 45.0  # wall-clock budget: no new epoch starts after it
    test_z: int = 30  # z values of the per-epoch test (x 50 asked combinations)
    seed: int = 0  # initialisation and draws
    device: str = "cpu"
    cnn: Path | None = None  # property CNN folder (None: RUN/property_cnn)
    classifiers: Path | None = None  # gender / quality folder (None: RUN/classifiers)
    # which epoch becomes the model (v1, v2, v4, v5): "last", or "best" by the per-epoch test
    # (most v3 passes, then the highest corr sum); v3 always adopts its best passing epoch
    keep: str = "last"
