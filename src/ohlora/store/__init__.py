"""Run directories: config with provenance, sharded samples, resumable atomic writes."""

from ohlora.store.rundir import RunDir
from ohlora.store.samples import Samples, load_samples

__all__ = ["RunDir", "Samples", "load_samples"]
