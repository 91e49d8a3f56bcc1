"""Run the generation test: per case one base face and the protocol's 50 asked combinations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ohlora.editing.editor import Editor
from ohlora.errors import OhloraError
from ohlora.evaluate.keeping import KeepingChecks, KeepResult
from ohlora.evaluate.metrics import CaseResult, score_case
from ohlora.evaluate.protocols import PROPS, Protocol
from ohlora.scorers.meter import PropertyMeter

BASE_SEED_START = 1_000_000_000  # evaluation faces never share seeds with a store's rows


@dataclass
class CaseRecord:
    """What the report needs of one case."""

    seed: int
    result: CaseResult
    asked: np.ndarray
    measured: np.ndarray
    images: np.ndarray = field(repr=False)
    keep: KeepResult | None = None
    mirrored: int = 0  # edits drawn as the mirror image of a shorter turn (`--mirror-turn`)


def pick_bases(
    editor: Editor,
    judge: PropertyMeter,
    cases: int,
    seed: int,
    accept: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    max_tries: int = 20,
) -> tuple[np.ndarray, np.ndarray]:
    """Seeds of `cases` base faces in which the judge finds a face (and `accept` agrees).

    Returns the seeds and their judge measurements (cases, P).
    """
    rng = np.random.default_rng(seed)
    seeds: list[int] = []
    measured: list[np.ndarray] = []
    for _ in range(max_tries):
        need = cases - len(seeds)
        if need <= 0:
            break
        cand = BASE_SEED_START + rng.choice(10**9, size=2 * need + 4, replace=False)
        lat = editor.base_latents(cand)
        imgs = editor.g.synthesize(lat, editor.d.space)
        m = judge.measure(imgs)
        ok = np.isfinite(m[:, [judge.properties.index(p) for p in PROPS]]).all(1)
        if accept is not None:
            ok &= accept(lat, imgs)
        for i in np.flatnonzero(ok)[:need]:
            seeds.append(int(cand[i]))
            measured.append(m[i])
    if len(seeds) < cases:
        raise OhloraError(f"found only {len(seeds)} of {cases} usable base faces: relax the filter")
    return np.array(seeds, np.int64), np.stack(measured)


def run_test(
    editor: Editor,
    judge: PropertyMeter,
    protocol: Protocol,
    cases: int,
    seed: int = 0,
    accept: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    on_case: Callable[[CaseRecord], None] | None = None,
    keeping: KeepingChecks | None = None,
) -> list[CaseRecord]:
    """Edit every base face to each asked combination and measure the result with `judge`
    (and, with `keeping`, what the edits keep of the unedited face)."""
    grid = protocol.grid()
    bases, base_m = pick_bases(editor, judge, cases, seed, accept)
    same_meter = editor.meter is judge
    records = []
    jidx = [judge.properties.index(p) for p in PROPS]
    for s, bm in zip(bases, base_m, strict=True):
        lat = np.repeat(editor.base_latents(np.array([s])), len(grid), axis=0)
        targets = {p: grid[:, j] for j, p in enumerate(PROPS)}
        base = np.repeat(bm[None], len(grid), 0) if same_meter else None
        res = editor.edit(lat, targets, base_measured=base)
        measured = (
            res.measured if (same_meter and res.measured is not None) else judge.measure(res.images)
        )
        m = measured[:, jidx]
        keep = None
        if keeping is not None:
            base_image = editor.g.synthesize(lat[:1], editor.d.space)[0]
            keep = keeping.check(grid, base_image, res.images, bm, measured, judge.properties)
        flipped = 0 if res.mirrored is None else int(res.mirrored.sum())
        rec = CaseRecord(int(s), score_case(grid, m), grid, m, res.images, keep, flipped)
        records.append(rec)
        if on_case:
            on_case(rec)
    return records
