"""A run directory: `config.json` (every parameter + provenance) and the stage outputs.

Each stage records its parameters under its own key of `config.json` (`sample`, `directions`,
`evaluate`, ...) so that any stage can be rerun alone and a resumed stage can check that it is
continuing the same job. Nothing depends on the current working directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ohlora.errors import OhloraError
from ohlora.runinfo import atomic_write_json, provenance, read_json


class RunDir:
    """A folder holding one run's config and outputs."""

    CONFIG = "config.json"

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"RunDir({str(self.path)!r})"

    @property
    def config_path(self) -> Path:
        return self.path / self.CONFIG

    def exists(self) -> bool:
        return self.config_path.is_file()

    def config(self) -> dict[str, Any]:
        """The whole config (empty when the run is new)."""
        return read_json(self.config_path) if self.exists() else {}

    def stage_config(self, stage: str) -> dict[str, Any]:
        """The parameters one stage recorded; a clear error when that stage never ran."""
        cfg = self.config().get(stage)
        if cfg is None:
            raise OhloraError(
                f"{self.path} has no '{stage}' stage yet: run `ohlora {stage} --run {self.path}` "
                "first (or check the --run path)"
            )
        return cfg

    def record_stage(self, stage: str, params: dict[str, Any]) -> None:
        """Store a stage's parameters with provenance (version, commit, time, argv)."""
        self.path.mkdir(parents=True, exist_ok=True)
        cfg = self.config()
        cfg[stage] = {**params, "provenance": provenance()}
        atomic_write_json(self.config_path, cfg)

    def require(self, *relative: str) -> Path:
        """Path of an output that must exist, with a clear error naming the producing stage."""
        p = self.path.joinpath(*relative)
        if not p.exists():
            raise OhloraError(f"{p} does not exist: run the stage that writes it first")
        return p


def run_generator_name(run: Path) -> str:
    """The generator a run was sampled with (its spec, options included)."""
    return RunDir(run).stage_config("sample")["generator"]
