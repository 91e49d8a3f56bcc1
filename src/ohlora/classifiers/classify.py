"""Annotate a run's sample store with the classifiers' gender and quality probabilities.

Rows are regenerated from their stored latents (the seed rule's z) in chunks; after each chunk
every finished row is written to the annotation `classify` (columns gender, quality), so a
killed run keeps its finished chunks and a rerun computes only the rest. The run's config
records which classifiers (their weights' sha256) made the annotation: classifiers trained
again make the next run start over instead of mixing two models' outputs.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ohlora.classifiers.ensemble import GenderQuality
from ohlora.errors import OhloraError
from ohlora.store import samples as store
from ohlora.store.rundir import RunDir, run_generator_name

ANNOTATION = "classify"
STAGE = "classify"


def _done_rows(run: Path, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows already annotated (index, gender, quality) from an earlier, compatible run."""
    path = Path(run) / store.ANNOTATION_DIR / f"{ANNOTATION}.npz"
    if not path.is_file():
        return np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(0, np.float32)
    data = store.read_npz(path)
    keep = (data["index"] < n) & np.isfinite(data["col:gender"]) & np.isfinite(data["col:quality"])
    return data["index"][keep], data["col:gender"][keep], data["col:quality"][keep]


def classify_run(
    run: Path,
    classifiers: Path | None = None,
    chunk: int = 512,
    on_progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> store.Samples:
    """Add gender / quality probabilities to every row of the store; returns the store."""
    from ohlora import generators

    run = Path(run)
    folder = Path(classifiers) if classifiers is not None else run / "classifiers"
    clf = GenderQuality.load(folder)
    s = store.load_samples(run)
    gen_name = run_generator_name(run)
    if clf.generator != gen_name:
        raise OhloraError(
            f"the classifiers in {folder} were trained on {clf.generator} faces, but {run} "
            f"holds {gen_name} faces: train classifiers on labels of {gen_name}"
        )
    rd = RunDir(run)
    fingerprint = clf.fingerprint()
    recorded = rd.config().get(STAGE, {}).get("fingerprint")
    if recorded != fingerprint:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(run / store.ANNOTATION_DIR / f"{ANNOTATION}.npz")
    rd.record_stage(STAGE, {"classifiers": str(folder), "fingerprint": fingerprint})

    idx, g, q = _done_rows(run, len(s))
    todo = np.setdiff1d(np.arange(len(s)), idx)
    if on_total:
        on_total(len(s))
    if on_progress and len(idx):
        on_progress(len(idx))
    if len(todo):
        gen = generators.load(gen_name)
        for lo in range(0, len(todo), chunk):
            rows = todo[lo : lo + chunk]
            images = gen.synthesize(s.z[rows])
            p = clf.predict(images)
            idx = np.concatenate([idx, rows])
            g = np.concatenate([g, p["gender"].astype(np.float32)])
            q = np.concatenate([q, p["quality"].astype(np.float32)])
            store.write_annotation(run, ANNOTATION, idx, {"gender": g, "quality": q})
            if on_progress:
                on_progress(len(rows))
    return store.load_samples(run)


def classify_seeds(
    classifiers: Path,
    seeds: np.ndarray,
    chunk: int = 512,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Probabilities for fresh faces of the classifiers' generator, by seed (no store)."""
    from ohlora import generators

    clf = GenderQuality.load(classifiers)
    gen = generators.load(clf.generator)
    out: dict[str, list[np.ndarray]] = {t: [] for t in clf.models}
    for lo in range(0, len(seeds), chunk):
        part = seeds[lo : lo + chunk]
        p = clf.predict(gen.synthesize(gen.latents_for_seeds(part.tolist())))
        for t, v in p.items():
            out[t].append(v)
        if on_progress:
            on_progress(len(part))
    return {t: np.concatenate(v) for t, v in out.items()}


def shares(gender: np.ndarray, quality: np.ndarray, keep: np.ndarray) -> dict[str, Any]:
    """Share of women and of good quality (probability >= 0.5) before and after a filter.

    `keep` is the filter's row mask. Also the mean probabilities, which estimate the shares
    without a hard cut.
    """
    g, q = np.asarray(gender, np.float64), np.asarray(quality, np.float64)

    def part(m: np.ndarray) -> dict[str, float]:
        if not m.any():
            nan = float("nan")
            return {"rows": 0, "women": nan, "good": nan, "mean_gender": nan, "mean_quality": nan}
        return {
            "rows": int(m.sum()),
            "women": float(np.mean(g[m] >= 0.5)),
            "good": float(np.mean(q[m] >= 0.5)),
            "mean_gender": float(np.mean(g[m])),
            "mean_quality": float(np.mean(q[m])),
        }

    all_rows = np.isfinite(g) & np.isfinite(q)
    return {"before": part(all_rows), "after": part(all_rows & keep)}
