"""Training the property CNN for a run directory: faces in, model folder and figures out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ohlora.errors import OhloraError
from ohlora.properties.columns import PROPERTIES
from ohlora.properties.normalise import run_normalisation
from ohlora.scorers.cnn import folder, network
from ohlora.scorers.cnn.data import load_faces
from ohlora.scorers.cnn.train import TrainParams, figures, fit, predict, split
from ohlora.store.rundir import RunDir

FIT_FACES = 3000  # training faces re-scored for the training-fit figures


def train_for_run(
    run: Path,
    params: TrainParams,
    out: Path | None = None,
    areas: str = "context",
    n: int | None = None,
    tests: list[Path] | None = None,
) -> dict[str, Any]:
    """Train on RUN's mesh-scored faces, measure on the validation share and on `tests`,
    save to OUT (default RUN/property_cnn) and record the stage in RUN's config."""
    from ohlora.progress import console, progress_bar

    run = Path(run)
    out = Path(out) if out is not None else run / folder.DEFAULT_FOLDER
    norm = run_normalisation(run)
    with progress_bar(transient=True) as bar:
        task = bar.add_task("generate faces", total=None)
        faces = load_faces(run, n=n, on_progress=lambda k: bar.advance(task, k))
    cols = faces.columns
    targets = norm.apply(faces.raw, cols).astype(np.float32)
    arch = network.default_architecture(faces.images.shape[1], areas)
    console.print(network.describe(arch))
    train_rows, val_rows = split(len(faces), params.val_fraction, params.seed)

    with progress_bar() as bar:
        task = bar.add_task("train", total=params.epochs * len(train_rows))

        def on_epoch(rec: dict[str, Any]) -> None:
            rs = ", ".join(f"{p} {v:.3f}" for p, v in rec["val_r"].items() if v is not None)
            bar.console.print(
                f"epoch {rec['epoch']}: train {rec['train_loss']:.4f}, validation "
                f"{rec['val_loss']:.4f}; r {rs} ({rec['seconds']:.0f} s)"
            )

        result = fit(
            arch,
            faces.images,
            targets,
            norm,
            params,
            train_rows,
            val_rows,
            on_step=lambda k: bar.advance(task, k),
            on_epoch=on_epoch,
        )
        bar.update(task, completed=params.epochs * len(train_rows))

    val_figs = figures(predict(result.model, faces.images[val_rows]), targets[val_rows], cols)
    # The fit to (a seeded share of) the training faces: the figure the original reported.
    fit_rows = np.sort(np.random.default_rng(params.seed).permutation(train_rows)[:FIT_FACES])
    fit_figs = figures(predict(result.model, faces.images[fit_rows]), targets[fit_rows], cols)
    test_reports = []
    for test in tests or []:
        with progress_bar(transient=True) as bar:
            task = bar.add_task(f"generate {test}", total=None)
            tf = load_faces(
                Path(test),
                exclude_seeds=faces.seeds,
                on_progress=lambda k, t=task: bar.advance(t, k),
            )
        if tf.generator != faces.generator:
            raise OhloraError(
                f"{test} was sampled with {tf.generator}, the CNN learns {faces.generator}: "
                "test it on a run of the same generator"
            )
        left_out = _overlap(Path(test), faces.seeds)
        tt = norm.apply(tf.raw, cols).astype(np.float32)
        test_reports.append(
            {
                "run": str(test),
                "faces": len(tf),
                "left_out": left_out,
                "figures": figures(predict(result.model, tf.images), tt, cols),
            }
        )
    idx = norm._index(cols)
    training = {
        "run": str(run),
        "generator": faces.generator,
        "params": params.to_dict(),
        "train_faces": len(train_rows),
        "val_faces": len(val_rows),
        "seeds": {"min": int(faces.seeds.min()), "max": int(faces.seeds.max())},
        "best_epoch": result.best_epoch,
        "stopped_early": result.stopped_early,
        "seconds": round(result.seconds, 1),
        "history": result.history,
        "validation": val_figs,
        "training_fit": {"faces": len(fit_rows), "figures": fit_figs},
        "tests": test_reports,
        "parameters": network.parameter_count(result.model),
        "multiply_adds_per_image": network.macs_per_image(arch),
    }
    folder.save(out, result.model, norm, training)
    RunDir(run).record_stage(
        "train-property-cnn",
        {
            "out": str(out),
            "areas": areas,
            "n": n,
            "tests": [str(t) for t in tests or []],
            **params.to_dict(),
            "best_epoch": result.best_epoch,
            "validation_r": {p: val_figs[p]["r"] for p in PROPERTIES},
        },
    )
    std = {p: float(norm.std[i]) for p, i in zip(PROPERTIES, idx, strict=True)}
    return {"training": training, "std": std, "out": str(out)}


def _overlap(run: Path, seeds: np.ndarray) -> int:
    """How many found faces of `run` have seeds in `seeds` (left out of its test)."""
    from ohlora.store.samples import load_samples

    s = load_samples(run)
    return int((s.found & np.isin(s.seed, seeds)).sum())
