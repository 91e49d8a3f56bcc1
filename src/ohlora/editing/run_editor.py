"""An editor over a run: its directions, its generator and a meter in its units."""

from __future__ import annotations

from pathlib import Path

from ohlora.editing.editor import Editor
from ohlora.scorers.meter import open_meter
from ohlora.vectorfind.directions import load_directions


def open_editor(
    run: Path,
    directions: Path | None = None,
    refine: int = 2,
    scorer: str = "mesh",
    workers: int = 2,
    views: int = 1,
    method: str = "calibrated",
) -> Editor:
    """An editor over the run's generator and directions (`directions`, else RUN/directions).

    The base face is always measured with `scorer`; refine > 0 adds closed-loop corrections.
    """
    from ohlora import generators

    d = load_directions(run, directions)
    meter = open_meter(run, scorer, workers, d.algorithm, views=views)
    return Editor(generators.load(d.generator), d, meter=meter, refine=refine, method=method)
