"""Direction finding for a run directory: the glue between the store and `find_directions`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ohlora.errors import OhloraError
from ohlora.properties.columns import resolve
from ohlora.properties.normalise import Normalisation, run_normalisation
from ohlora.store.filter import filter_mask
from ohlora.store.rundir import RunDir
from ohlora.store.samples import Samples, load_samples
from ohlora.vectorfind.condition import conditions_for, gender_direction, project_off
from ohlora.vectorfind.directions import Directions
from ohlora.vectorfind.find import Condition, find_directions, latents_in_space
from ohlora.vectorfind.params import FindParams


def find_for_run(
    run: Path,
    params: FindParams,
    *,
    out: Path | None = None,
    samples: Samples | None = None,
    save: bool = True,
) -> tuple[Directions, list[str], Path]:
    """Find directions on a run's samples (first n rows, filtered) and save them to `out`
    (default RUN/directions, then also recorded in the run's config).

    `params.scorer` picks the labels: None or the store's own scorer uses the stored scores;
    "cnn" on a mesh-scored store relabels the same faces with the property CNN (`params.cnn`,
    default the run's), so that mesh and CNN labels can be compared on one population.
    """
    from ohlora import generators

    p = params
    rd = RunDir(run)
    sample_cfg = rd.stage_config("sample")
    s = samples if samples is not None else load_samples(run, latents=not p.stream)
    if p.n is not None:
        if p.n > len(s):
            raise OhloraError(f"--n {p.n} exceeds the {len(s)} rows of {run}: sample more first")
        s = s.subset(np.arange(len(s)) < p.n)
    norm = run_normalisation(run)
    stored = sample_cfg.get("scorer", "mesh")
    scorer = p.scorer or stored
    cnn_used = sample_cfg.get("cnn") if scorer == "cnn" else None
    if scorer != stored:
        if p.stream:
            raise OhloraError(
                "--stream cannot relabel the store with another scorer (that needs every "
                "image again): drop --stream, or sample the run with that scorer"
            )
        s, cnn_used = _relabel(run, s, stored, p.cnn, sample_cfg["generator"], p.algorithm, norm)
    elif p.cnn is not None:
        raise OhloraError("--cnn goes with --scorer cnn")
    cols = resolve(p.algorithm)
    mask = filter_mask(s, p.filter, cols)
    if p.space != "w+" and p.layers:
        raise OhloraError("--layers applies to the w+ space only")
    gen = generators.load(sample_cfg["generator"])
    layers = None if p.layers is None else list(p.layers)
    held_names = conditions_for(p.condition, gen, p.space)
    stray = [q for q in p.identity_held if q not in p.properties]
    if held_names == ["identity"] and stray:
        raise OhloraError(
            f"--identity-held {','.join(stray)}: not steered; hold some of {','.join(p.properties)}"
        )
    # the names below are the ones directions and run configs have always recorded
    recorded: dict[str, Any] = {
        "run": str(run),
        "n": len(s),
        "k": p.k,
        "filter": p.filter,
        "scorer": scorer,
        "cnn": cnn_used,
        "val_fraction": p.val,
        "seed": p.seed,
        "svm_c": p.svm_c,
        "svm": p.svm,
        "stream": p.stream,
        "rows_used": int((mask & s.found).sum()),
        "condition": held_names,
    }
    condition: Condition | None = None
    skipped = None
    if held_names == ["gender"]:
        held = np.stack([gender_direction(gen)])
        condition = lambda name, normal: project_off(normal, held)  # noqa: E731
    elif held_names == ["identity"]:
        condition, recorded["identity"] = _identity_condition(run, s, mask, gen, p, cols)
        skipped = recorded["identity"].get("skipped")
        if skipped:
            recorded["condition"] = []
    d, warnings = find_directions(
        s,
        gen,
        space=p.space,
        steered=list(p.properties),
        kept=[q for q in p.keep if q not in p.properties],
        k=p.k,
        algorithm=p.algorithm,
        property_columns=cols,
        normalisation=norm.to_dict(),
        mask=mask,
        group_by=list(p.groups),
        layers=layers,
        val_fraction=p.val,
        seed=p.seed,
        c=p.svm_c,
        params=recorded,
        solver=p.svm,
        stream_from=Path(run) if s.z.shape[1] == 0 else None,
        condition=condition,
    )
    if skipped:
        warnings.insert(0, skipped)
    default_out = out is None
    out = Path(out) if out is not None else Path(run) / "directions"
    if save:
        d.save(out)
    if save and default_out:
        rd.record_stage(
            "find-directions",
            {
                **recorded,
                "space": p.space,
                "steered": list(p.properties),
                "kept": list(p.keep),
                "algorithm": p.algorithm,
                "groups": list(p.groups),
                "layers": layers,
                "out": str(out),
                "warnings": warnings,
            },
        )
    return d, warnings, out


def _identity_condition(
    run: Path, s: Samples, mask: np.ndarray, gen: Any, p: FindParams, cols: dict[str, str]
) -> tuple[Condition | None, dict[str, Any]]:
    """The identity condition fitted on the run's first `p.identity_faces` usable faces, and
    what to record of it (faces used, strength, each steered direction's identity loading
    before and after). A run with too few faces to fit it well (`MIN_FACES_PER_DIM` per
    latent dimension) gets no condition: the record's "skipped" says why (the command prints
    it as a warning)."""
    from ohlora.store.samples import iter_latents
    from ohlora.vectorfind import identity
    from ohlora.vectorfind.identity import (
        identity_condition,
        identity_metric,
        linear_responses,
        run_descriptors,
    )

    scores = np.stack([s.column(cols[q]) for q in p.properties], 1)
    usable = np.flatnonzero(s.found & mask & np.isfinite(scores).all(1))[: p.identity_faces]
    need = identity.MIN_FACES_PER_DIM * int(np.prod(gen.latent_shape(p.space)))
    record: dict[str, Any] = {"descriptor": "hse-faceres", "strength": p.identity_strength}

    def skip(faces: int) -> tuple[None, dict[str, Any]]:
        why = (
            f"identity condition skipped: {faces} usable faces with descriptors, it needs "
            f"{need} (sample more faces, raise --identity-faces, or give --condition none)"
        )
        return None, {**record, "faces": faces, "skipped": why}

    if len(usable) < need:
        return skip(len(usable))
    if s.z.shape[1]:
        z = s.z[usable].astype(np.float32)
    else:  # --stream: only these rows' latents are read
        z = np.zeros((len(usable), gen.z_dim), np.float32)
        for at, part in iter_latents(run, s.index[usable]):
            z[at] = part
    found = run_descriptors(run, gen, s.index[usable], z)
    ok = np.isfinite(found).all(1)
    if ok.sum() < need:
        return skip(int(ok.sum()))
    x = latents_in_space(gen, z[ok], p.space).reshape(int(ok.sum()), -1)
    metric = identity_metric(x, found[ok], scores[usable][ok])
    held = [q for q in p.properties if q in p.identity_held]
    record.update(faces=int(ok.sum()), held=held)
    responses = dict(zip(p.properties, linear_responses(x, scores[usable][ok]), strict=True))
    return identity_condition(metric, p.identity_strength, held, record, responses), record


def _relabel(
    run: Path,
    s: Samples,
    stored: str,
    cnn: Path | None,
    generator: str,
    algorithm: str,
    norm: Normalisation,
) -> tuple[Samples, str]:
    """(the store's faces labelled by the CNN, the CNN folder used): only a mesh-scored store
    has other labels to replace."""
    from ohlora.progress import progress_bar
    from ohlora.scorers.cnn.folder import folder_of_run
    from ohlora.scorers.cnn.rescore import rescore_with_cnn

    if stored != "mesh":
        raise OhloraError(
            f"{run} was scored by the {stored} scorer; mesh labels exist only for a mesh-scored "
            "store: sample one with `ohlora sample --scorer mesh`"
        )
    if algorithm != "landmark":
        raise OhloraError("the property CNN learned the landmark columns: use --algorithm landmark")
    folder = Path(cnn) if cnn is not None else folder_of_run(Path(run))
    with progress_bar(transient=True) as bar:
        task = bar.add_task("relabel with the CNN", total=int(s.found.sum()))
        relabelled = rescore_with_cnn(
            s, generator, folder, norm, on_progress=lambda k: bar.advance(task, k)
        )
    return relabelled, str(folder)
