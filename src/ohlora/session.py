"""Open the pieces a stage needs from a run directory: generator, scores, meter, editor.

Kept in one place so that every command resolves properties, normalisation and scorers the
same way.
"""

from __future__ import annotations

from pathlib import Path

from ohlora.errors import OhloraError
from ohlora.scorers.meter import open_meter
from ohlora.store.rundir import RunDir
from ohlora.vectorfind.directions import Directions
from ohlora.vectorfind.edit import Editor

DEFAULT_ALGORITHM = "landmark"


def property_columns(algorithm: str = DEFAULT_ALGORITHM) -> dict[str, str]:
    """{property: raw score column} for an algorithm (1, 2 or landmark)."""
    from ohlora.properties.columns import resolve

    return resolve(algorithm)


def run_generator_name(run: Path) -> str:
    """The generator a run was sampled with."""
    return RunDir(run).stage_config("sample")["generator"]


def load_directions(run: Path | None, directions: Path | None) -> Directions:
    """Directions from --directions, else from RUN/directions."""
    if directions is not None:
        return Directions.load(directions)
    if run is None:
        raise OhloraError("give --run RUN (holding directions) or --directions FOLDER")
    return Directions.load(Path(run) / "directions")


def open_editor(
    run: Path,
    directions: Path | None = None,
    refine: int = 2,
    scorer: str = "mesh",
    workers: int = 2,
    views: int = 1,
    method: str = "calibrated",
) -> Editor:
    """An editor over the run's generator and directions.

    The base face is always measured with `scorer`; refine > 0 adds closed-loop corrections.
    """
    from ohlora import generators

    d = load_directions(run, directions)
    meter = open_meter(run, scorer, workers, d.algorithm, views=views)
    return Editor(generators.load(d.generator), d, meter=meter, refine=refine, method=method)
