"""An editor over a run: its directions, its generator and a meter in its units."""

from __future__ import annotations

from pathlib import Path

from ohlora.editing.editor import Editor
from ohlora.editing.local import LocalRenderer, supports_local
from ohlora.editing.params import EditParams
from ohlora.scorers.meter import open_meter
from ohlora.vectorfind.directions import load_directions


def open_editor(run: Path, params: EditParams | None = None) -> Editor:
    """An editor over the run's generator and directions (`params.directions`, else
        RUN/directions). The base face is measured with `params.scorer`; `params.refine` > 0 adds
        closed-loop corrections; `params.method` "auto" is the region-local edit where the generator
    exposes its feature maps (the DCGAN), else the calibrated one; `params.max_turn` limits
    how far the pose moves from the base face's, `params.soft_turn` eases large turns off and
    `params.mirror_turn` draws far turns to the other side mirrored (none of them for the
    original's rule, `--method seed`). Close it with
    `editor.close()`."""
    from ohlora import generators

    p = params or EditParams()
    d = load_directions(run, p.directions)
    g = generators.load(d.generator)
    method = p.method
    if method == "auto":
        method = "local" if supports_local(g, d.space) else "calibrated"
    meter = open_meter(run, p.scorer, p.workers, d.algorithm, views=p.views)
    limits = {"pose": p.max_turn} if p.max_turn is not None else None
    # the original's rule adds the asked value as it is: nothing eases it
    soft = {"pose": p.soft_turn} if p.soft_turn and method != "seed" else None
    local = None
    if method == "local":
        local = LocalRenderer(
            g,  # type: ignore[arg-type]
            carry=p.carry,
            region_carry=p.region_carry,
            carry_res=p.carry_res,
            region_steps=p.region_steps,
            turn_carry=p.turn_carry,
        )
    return Editor(
        g,
        d,
        meter=meter,
        refine=p.refine,
        method=method,
        local=local,
        max_change=limits,
        soft_change=soft,
        mirror_turn=p.mirror_turn if method != "seed" else 0.0,
    )
