"""Find directions from a run's sample store (spec section 7, VectorFind)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ohlora.errors import OhloraError
from ohlora.generators.base import Generator
from ohlora.store.samples import Samples
from ohlora.vectorfind.directions import Directions, DirectionSet
from ohlora.vectorfind.latents import InMemory, Latents, Stored, project
from ohlora.vectorfind.select import k_count, top_bottom
from ohlora.vectorfind.svm import SVMResult, sgd_direction, split, svm_direction

# (property name, its SVM normal) -> the unit direction to use instead
Condition = Callable[[str, np.ndarray], np.ndarray]

RIDGE = 1e-2


def latents_in_space(generator: Generator, z: np.ndarray, space: str) -> np.ndarray:
    """Sample latents in the space directions are found in (w for both w and w+)."""
    if space == "z":
        return z.astype(np.float32)
    return generator.to_space(z, "w")


def fit_response(
    x: np.ndarray, scores: np.ndarray, ridge: float = RIDGE
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ridge regression of each score column on the latents (rows with a finite score).

    For Gaussian latents the least-squares coefficient equals the average gradient of the
    score (Stein's lemma), i.e. exactly the expected change per unit step. Returns B (Q, D),
    c (Q,) and the in-sample r (Q,) of each fit.
    """
    q, d = scores.shape[1], x.shape[1]
    b = np.zeros((q, d), np.float64)
    c = np.zeros(q, np.float64)
    r = np.full(q, np.nan)
    for j in range(q):
        ok = np.isfinite(scores[:, j])
        if ok.sum() < d // 4 + 10:
            continue
        xs, ys = x[ok].astype(np.float64), scores[ok, j].astype(np.float64)
        mx, my = xs.mean(0), ys.mean()
        xc = xs - mx
        gram = xc.T @ xc + ridge * len(xs) * np.eye(d)
        b[j] = np.linalg.solve(gram, xc.T @ (ys - my))
        c[j] = my - mx @ b[j]
        pred = xs @ b[j] + c[j]
        r[j] = float(np.corrcoef(pred, ys)[0, 1]) if ys.std() > 0 else np.nan
    return b.astype(np.float32), c.astype(np.float32), r


def fit_response_streamed(
    x: Latents, scores: np.ndarray, ridge: float = RIDGE
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`fit_response` from two passes over the latents (moments, then predictions): the
    same ridge fit, never holding more than one block of latents."""
    q = scores.shape[1]
    masks = np.isfinite(scores)
    groups: dict[bytes, list[int]] = {}
    for j in range(q):
        groups.setdefault(np.packbits(masks[:, j]).tobytes(), []).append(j)
    moments: dict[bytes, list[Any]] = {}
    sxy: dict[int, np.ndarray] = {}
    sy = np.zeros(q)
    for pos, block in x.blocks():
        xb = block.astype(np.float64)
        for key, cols in groups.items():
            m = masks[pos, cols[0]]
            xm = xb[m]
            if key not in moments:
                d = xb.shape[1]
                moments[key] = [np.zeros((d, d)), np.zeros(d), 0]
            acc = moments[key]
            acc[0] += xm.T @ xm
            acc[1] += xm.sum(0)
            acc[2] += len(xm)
            for j in cols:
                yj = scores[pos[m], j].astype(np.float64)
                sxy[j] = sxy.get(j, 0) + xm.T @ yj
                sy[j] += yj.sum()
    d = next(iter(moments.values()))[0].shape[0]
    b = np.zeros((q, d), np.float64)
    c = np.zeros(q, np.float64)
    for key, cols in groups.items():
        sxx, sx, n = moments[key]
        if n < d // 4 + 10:
            continue
        mx = sx / n
        gram = sxx - n * np.outer(mx, mx) + ridge * n * np.eye(d)
        for j in cols:
            my = sy[j] / n
            b[j] = np.linalg.solve(gram, sxy[j] - n * mx * my)
            c[j] = my - mx @ b[j]
    pred = project(x, b.T) + c
    r = np.full(q, np.nan)
    for key, cols in groups.items():
        if moments[key][2] < d // 4 + 10:
            continue
        for j in cols:
            ok = masks[:, j]
            ys = scores[ok, j]
            r[j] = float(np.corrcoef(pred[ok, j], ys)[0, 1]) if ys.std() > 0 else np.nan
    return b.astype(np.float32), c.astype(np.float32), r


def _separate(
    x: Latents, top: np.ndarray, bottom: np.ndarray, val_fraction: float, seed: int, c: float,
    solver: str,
) -> SVMResult:  # fmt: skip
    """The SVM of top vs bottom rows: LinearSVC on the two sets read whole, or the SGD
    solver on the blocks of one pass over them (never held whole)."""
    if solver != "sgd":
        return svm_direction(x.take(top), x.take(bottom), val_fraction, seed, c, solver)
    rows = np.concatenate([top, bottom])
    order = np.argsort(rows, kind="stable")  # store order: both classes in every block
    label = np.concatenate([np.ones(len(top)), np.zeros(len(bottom))])[order]
    is_val = np.zeros(len(rows), bool)
    is_val[split(len(rows), val_fraction, seed)[0]] = True
    sel = x.subset(rows[order])

    def blocks() -> Any:
        for pos, block in sel.blocks():
            yield block, label[pos], is_val[pos]

    return sgd_direction(blocks, seed=seed, c=c)


def _find_set(
    x: Latents,
    scores: dict[str, np.ndarray],
    names: Sequence[str],
    k: float,
    response_props: Sequence[str],
    val_fraction: float,
    seed: int,
    c: float,
    group: str,
    solver: str = "linearsvc",
    condition: Condition | None = None,
) -> DirectionSet:
    vectors, stats = [], {}
    for name in names:
        s = scores[name]
        top, bottom = top_bottom(s, k, what=f"group {group}, {name}")
        res = _separate(x, top, bottom, val_fraction, seed, c, solver)
        # conditional directions: the SVM normal bent off what must stay
        normal = res.normal if condition is None else condition(name, res.normal)
        ok = np.isfinite(s)
        full = x.x @ normal if isinstance(x, InMemory) else project(x, normal)
        proj = x.x[ok] @ normal if isinstance(x, InMemory) else full[ok]
        corr = float(np.corrcoef(proj, s[ok])[0, 1])
        if corr < 0:  # cannot happen for a separable top/bottom split; kept as a guard
            normal, full, corr = -normal, -full, -corr
        vectors.append(normal)
        stats[name] = {
            "k": len(top),
            "faces": int(ok.sum()),
            "train_accuracy": res.train_accuracy,
            "val_accuracy": res.val_accuracy,
            "n_train": res.n_train,
            "n_val": res.n_val,
            "corr_projection_score": corr,
            "proj_mean": float(full.mean()),
            "proj_std": float(full.std()),
            # the normalised values the training faces reached: targets past them are guesses
            "reach": [float(s[ok].min()), float(s[ok].max())],
        }
    q = np.stack([scores[p] for p in response_props], 1)
    b, cc, r = fit_response(x.x, q) if isinstance(x, InMemory) else fit_response_streamed(x, q)
    for p, rv in zip(response_props, r, strict=True):
        stats.setdefault("response_r", {})[p] = None if not np.isfinite(rv) else float(rv)
    return DirectionSet(
        names=list(names),
        vectors=np.stack(vectors).astype(np.float32),
        response_properties=list(response_props),
        response_b=b,
        response_c=cc,
        stats=stats,
    )


def find_directions(
    samples: Samples,
    generator: Generator,
    *,
    space: str,
    steered: Sequence[str],
    kept: Sequence[str],
    k: float,
    algorithm: str,
    property_columns: dict[str, str],
    normalisation: dict[str, Any],
    mask: np.ndarray | None = None,
    group_by: Sequence[str] = (),
    layers: list[int] | None = None,
    val_fraction: float = 0.2,
    seed: int = 0,
    c: float = 1.0,
    params: dict[str, Any] | None = None,
    solver: str = "linearsvc",
    stream_from: Path | None = None,
    condition: Condition | None = None,
) -> tuple[Directions, list[str]]:
    """Directions for `steered` (+ `kept`) properties, pooled and optionally per group.

    `condition(name, normal)`: the direction to use for an SVM normal (conditional
    directions, `ohlora.vectorfind.condition` and `.identity`), applied before the
    direction's statistics are taken.

    Returns the directions and a list of warnings (groups too small for k are reported and
    left out; edits of faces in them use the pooled set). With `stream_from` (the run whose
    store `samples` was loaded from, without latents) the latents are streamed from disk.
    """
    if space not in generator.spaces:
        raise OhloraError(
            f"{generator.name} offers spaces {', '.join(generator.spaces)}, not {space!r}"
        )
    rows = samples.found.copy()
    if mask is not None:
        rows &= mask
    if rows.sum() < 20:
        raise OhloraError(
            f"only {int(rows.sum())} usable faces (found and passing the filter): "
            "sample more faces or relax the filter"
        )
    sub = samples.subset(rows)
    x: Latents
    if stream_from is not None:
        x = Stored(
            stream_from,
            sub.index,
            lambda z: latents_in_space(generator, z, space).reshape(len(z), -1),
        )
    else:
        x = InMemory(latents_in_space(generator, sub.z, space).reshape(len(sub), -1))
    all_props = list(dict.fromkeys([*steered, *kept, *property_columns]))
    scores = {p: sub.column(property_columns[p]).astype(np.float64) for p in all_props}
    names = list(dict.fromkeys([*steered, *kept]))
    response_props = [p for p in property_columns if p in scores]
    sets = {
        "all": _find_set(
            x, scores, names, k, response_props, val_fraction, seed, c, "all", solver, condition
        )
    }
    warnings: list[str] = []
    thresholds: dict[str, float] = {}
    if group_by:
        for p in group_by:
            if p not in scores:
                raise OhloraError(f"cannot group by {p!r}: not a property")
            thresholds[p] = float(np.nanmedian(scores[p]))
        letters = [np.where(scores[p] >= thresholds[p], "h", "l") for p in group_by]
        finite = np.all([np.isfinite(scores[p]) for p in group_by], axis=0)
        gnames = np.array(["".join(t) for t in zip(*letters, strict=True)])
        for g in sorted(set(gnames[finite])):
            idx = np.flatnonzero((gnames == g) & finite)
            need = min(2 * k_count(k, len(idx)), len(idx))
            try:
                sets[g] = _find_set(
                    x.subset(idx),
                    {p: v[idx] for p, v in scores.items()},
                    names,
                    k,
                    response_props,
                    val_fraction,
                    seed,
                    c,
                    g,
                    solver,
                    condition,
                )
                sets[g].stats["group_size"] = len(idx)
            except OhloraError as e:
                warnings.append(f"group {g} ({len(idx)} faces, needs {need}) left out: {e}")
    directions = Directions(
        generator=generator.name,
        space=space,
        latent_shape=tuple(generator.latent_shape(space)),
        steered=list(steered),
        kept=[p for p in names if p not in steered],
        sets=sets,
        params=dict(params or {}),
        normalisation=normalisation,
        algorithm=algorithm,
        layers=layers,
        group_by=list(group_by),
        group_thresholds=thresholds,
    )
    return directions, warnings
