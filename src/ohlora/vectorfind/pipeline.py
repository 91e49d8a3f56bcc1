"""Direction finding for a run directory: the glue between the store and `find_directions`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ohlora.errors import OhloraError
from ohlora.store.filter import filter_mask
from ohlora.store.rundir import RunDir
from ohlora.store.samples import Samples, load_samples
from ohlora.vectorfind.directions import Directions
from ohlora.vectorfind.find import find_directions


def find_for_run(
    run: Path,
    *,
    k: float,
    n: int | None,
    space: str,
    steered: list[str],
    kept: list[str],
    algorithm: str,
    filter_expr: str | None,
    group_by: list[str],
    layers: list[int] | None,
    val_fraction: float,
    seed: int,
    svm_c: float,
    out: Path | None = None,
    samples: Samples | None = None,
    save: bool = True,
) -> tuple[Directions, list[str], Path]:
    """Find directions on a run's samples (first n rows, filtered) and save them."""
    from ohlora import generators
    from ohlora.session import property_columns
    from ohlora.store.sampler import load_normalisation

    rd = RunDir(run)
    sample_cfg = rd.stage_config("sample")
    s = samples if samples is not None else load_samples(run)
    if n is not None:
        if n > len(s):
            raise OhloraError(f"--n {n} exceeds the {len(s)} rows of {run}: sample more first")
        s = s.subset(np.arange(len(s)) < n)
    cols = property_columns(algorithm)
    mask = filter_mask(s, filter_expr, cols)
    if space != "w+" and layers:
        raise OhloraError("--layers applies to the w+ space only")
    gen = generators.load(sample_cfg["generator"])
    norm = load_normalisation(run)
    params: dict[str, Any] = {
        "run": str(run),
        "n": len(s),
        "k": k,
        "filter": filter_expr,
        "scorer": sample_cfg.get("scorer", "mesh"),
        "val_fraction": val_fraction,
        "seed": seed,
        "svm_c": svm_c,
        "rows_used": int((mask & s.found).sum()),
    }
    d, warnings = find_directions(
        s,
        gen,
        space=space,
        steered=steered,
        kept=[p for p in kept if p not in steered],
        k=k,
        algorithm=algorithm,
        property_columns=cols,
        normalisation=norm.to_dict(),
        mask=mask,
        group_by=group_by,
        layers=layers,
        val_fraction=val_fraction,
        seed=seed,
        c=svm_c,
        params=params,
    )
    default_out = out is None
    out = Path(out) if out is not None else Path(run) / "directions"
    if save:
        d.save(out)
    if save and default_out:
        rd.record_stage(
            "find-directions",
            {
                **params,
                "space": space,
                "steered": steered,
                "kept": kept,
                "algorithm": algorithm,
                "groups": group_by,
                "layers": layers,
                "out": str(out),
                "warnings": warnings,
            },
        )
    return d, warnings, out
