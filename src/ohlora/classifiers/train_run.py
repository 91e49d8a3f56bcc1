"""Train both classifiers from labelled sets and save them with their figures.

The labelled faces are regenerated from their latents (shipped set) or seeds (a run's sheet)
with the generator the labels were made on; skipped faces are left out, and each task uses
the faces that carry its label (a sheet row may have one label only).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ohlora.classifiers.cnn import AREAS, SmallCNN, input_pool_for, to_input
from ohlora.classifiers.conditions import DEFAULT_FILTER, condition_mask
from ohlora.classifiers.ensemble import TaskModel
from ohlora.classifiers.labels import SHIPPED_GENERATOR, LabelSet
from ohlora.classifiers.train import TASKS, TaskResult, TrainParams, train_task
from ohlora.errors import OhloraError
from ohlora.runinfo import atomic_write_bytes, provenance

OOF_FILE = "oof.csv"


@dataclass
class Labelled:
    """All labelled faces pooled: latents, labels (NaN = absent) and where each came from."""

    z: np.ndarray
    gender: np.ndarray
    quality: np.ndarray
    source: list[str]
    index: np.ndarray
    seed: np.ndarray  # -1 where the face has no seed (shipped latents)


def resolve_generator(sets: list[LabelSet], generator: str | None) -> str:
    """The one generator all label sets belong to (an explicit choice must agree)."""
    known = {s.generator for s in sets if s.generator}
    if generator:
        known.add(generator)
    if len(known) > 1:
        raise OhloraError(
            f"the label sets come from different generators ({', '.join(sorted(known))}): "
            "train on one generator's labels at a time (drop the shipped set with --no-shipped)"
        )
    return known.pop() if known else SHIPPED_GENERATOR


def pool(sets: list[LabelSet], gen: Any) -> Labelled:
    """Concatenate the sets' unskipped rows, with regenerated latents."""
    if not sets:
        raise OhloraError("no labels: keep the shipped set or give --labels CSV")
    parts = []
    for s in sets:
        keep = s.subset(~s.skipped)
        parts.append(
            (
                keep.latents_for(gen),
                keep,
                np.full(len(keep), -1, np.int64) if keep.seeds is None else keep.seeds,
            )
        )
    return Labelled(
        z=np.concatenate([p[0] for p in parts]).astype(np.float32),
        gender=np.concatenate([p[1].gender for p in parts]),
        quality=np.concatenate([p[1].quality for p in parts]),
        source=[p[1].source for p in parts for _ in range(len(p[1]))],
        index=np.concatenate([p[1].index for p in parts]),
        seed=np.concatenate([p[2] for p in parts]),
    )


def _oof_csv(data: Labelled, oof: dict[str, np.ndarray]) -> bytes:
    def num(v: float) -> str:
        return "" if np.isnan(v) else f"{v:.6f}"

    def lab(v: float) -> str:
        return "" if np.isnan(v) else str(int(v))

    lines = ["source,index,seed,gender,quality,gender_oof,quality_oof"]
    for i in range(len(data.z)):
        seed = "" if data.seed[i] < 0 else str(int(data.seed[i]))
        lines.append(
            f"{data.source[i]},{int(data.index[i])},{seed},{lab(data.gender[i])},"
            f"{lab(data.quality[i])},{num(oof['gender'][i])},{num(oof['quality'][i])}"
        )
    return ("\n".join(lines) + "\n").encode()


def read_oof(folder: Path) -> dict[str, np.ndarray]:
    """The labelled faces' labels and out-of-fold probabilities saved beside the models."""
    import csv

    path = Path(folder) / OOF_FILE
    if not path.is_file():
        raise OhloraError(f"{path} is missing: train the classifiers again")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))

    def col(name: str) -> np.ndarray:
        return np.array([float(r[name]) if r[name] else np.nan for r in rows], np.float64)

    return {k: col(k) for k in ("gender", "quality", "gender_oof", "quality_oof")}


def filter_on_labels(folder: Path, expr: str = DEFAULT_FILTER) -> dict[str, float]:
    """What a filter does to the hand-labelled faces, judged out of fold.

    Among faces with both labels: the true share of women and of good quality before the
    filter and among the faces the filter keeps (each face judged by the fold models that did
    not see it), i.e. the filter's honest precision.
    """
    o = read_oof(folder)
    both = np.isfinite(o["gender"]) & np.isfinite(o["quality"])
    keep = both & condition_mask({"gender": o["gender_oof"], "quality": o["quality_oof"]}, expr)
    return {
        "rows": float(both.sum()),
        "kept": float(keep.sum()),
        "women_before": float(o["gender"][both].mean()),
        "good_before": float(o["quality"][both].mean()),
        "women_after": float(o["gender"][keep].mean()) if keep.any() else float("nan"),
        "good_after": float(o["quality"][keep].mean()) if keep.any() else float("nan"),
    }


def train_classifiers(
    sets: list[LabelSet],
    out: Path,
    params: TrainParams,
    *,
    generator: str | None = None,
    quality_area: str = "whole",
    on_event: Callable[[str], None] | None = None,
    progress: Any = None,
) -> dict[str, TaskResult]:
    """Train gender and quality on the pooled sets, save them to `out`, return the results."""
    from ohlora import generators
    from ohlora.progress import progress_bar

    if quality_area not in AREAS:
        raise OhloraError(f"unknown --quality-area {quality_area!r}: use {', '.join(AREAS)}")
    name = resolve_generator(sets, generator)
    gen = generators.load(name)
    data = pool(sets, gen)
    specs = {"gender": TASKS["gender"], "quality": replace(TASKS["quality"], area=quality_area)}
    specs = {
        t: replace(s, arch=replace(s.arch, input_pool=input_pool_for(s.area, gen.resolution)))
        for t, s in specs.items()
    }
    results: dict[str, TaskResult] = {}
    oof = {t: np.full(len(data.z), np.nan) for t in specs}
    bar = progress or progress_bar()
    with bar:
        t_gen = bar.add_task("generate labelled faces", total=len(data.z))
        chunks = []
        for i in range(0, len(data.z), 256):
            chunks.append(gen.synthesize(data.z[i : i + 256]))
            bar.advance(t_gen, len(chunks[-1]))
        images = np.concatenate(chunks)
        for task, spec in specs.items():
            y = data.gender if task == "gender" else data.quality
            rows = np.flatnonzero(np.isfinite(y))
            t = bar.add_task(f"train {task}", total=params.folds * params.epochs)
            res = train_task(
                spec,
                to_input(images[rows], spec.area),
                y[rows],
                params,
                on_event=on_event,
                on_step=lambda t=t: bar.advance(t),
                on_retry=lambda e, t=t: bar.update(t, total=bar.tasks[t].total + e),
            )
            oof[task][rows] = res.oof
            results[task] = res
    sources = sorted(set(data.source))
    for task, res in results.items():
        nets = []
        for f in res.folds:
            net = SmallCNN(res.spec.arch)
            net.load_state_dict(f.state)
            nets.append(net.eval())
        meta = {
            "train_params": asdict(params),
            "labels": sources,
            "n_labels": len(res.labels),
            "positive_share": float(res.labels.mean()),
            "figures": res.figures,
            "folds": [
                {
                    "fold": f.fold,
                    "val_rows": len(f.val_rows),
                    "threshold": f.threshold,
                    "val_bce": f.val_bce,
                    "failed": f.failed,
                    "attempts": f.attempts,
                }
                for f in res.folds
            ],
            "provenance": provenance(),
        }
        TaskModel(task, res.spec.area, gen.resolution, name, res.spec.arch, nets, meta).save(out)
    atomic_write_bytes(Path(out) / OOF_FILE, _oof_csv(data, oof))
    return results


def latents_npy(latents: np.ndarray) -> bytes:
    """.npy bytes of a float32 latent array (no pickle)."""
    buf = io.BytesIO()
    np.save(buf, np.asarray(latents, np.float32), allow_pickle=False)
    return buf.getvalue()
