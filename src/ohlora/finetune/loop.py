"""Train one FineTune version on a run's faces, epoch by epoch, resumable after a kill.

Training data are the base generator's own faces: the first N store rows with a face, their z
by the seed rule, their properties either the run's algorithm-1 mesh scores (v1) or the frozen
property CNN's reading of each face (v2..v5). After every epoch the per-epoch test (spec 5.1)
runs, the history and a checkpoint are written; v3 also keeps a model folder for every
passing epoch. The final model (OUT/model.safetensors + config.json) is v3's best passing
epoch (else its last), and every other version's last epoch, or with `keep="best"` its epoch
with the best per-epoch test (kept in OUT/best-epoch while training).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ohlora.errors import OhloraError
from ohlora.finetune.checkpoint import has_checkpoint, load_checkpoint, save_checkpoint
from ohlora.finetune.epochtest import run_epoch_test
from ohlora.finetune.model import FORMAT, REMEDY, FineTunedModel
from ohlora.finetune.params import FineTuneParams
from ohlora.finetune.version import Context, Version
from ohlora.finetune.versions import make_version
from ohlora.properties.columns import PROPERTIES
from ohlora.runinfo import atomic_write_json

BEST = "best-epoch"  # with --keep best: the model of the best epoch so far


def open_context(run: Path, p: FineTuneParams) -> Context:
    """The base DCGAN, the run's property CNN and (when trained) its gender classifier."""
    from ohlora.classifiers.ensemble import TaskModel
    from ohlora.generators.dcgan import DCGANGenerator
    from ohlora.modelfolder import ModelFolder
    from ohlora.scorers.cnn.folder import folder_of_run, load, resolve_folder
    from ohlora.store.rundir import run_generator_name

    if run_generator_name(run) != "dcgan-digiface-64":
        raise OhloraError(
            f"{run} holds {run_generator_name(run)} faces: fine-tuning needs a DCGAN run"
        )
    cnn, _, _ = load(resolve_folder(Path(p.cnn) if p.cnn else folder_of_run(run)))
    clf = Path(p.classifiers) if p.classifiers else Path(run) / "classifiers"
    gender = TaskModel.load(clf, "gender") if ModelFolder.named(clf, "gender").exists() else None
    return Context(DCGANGenerator.pretrained().net, cnn, gender, p.seed, p.device)


def training_faces(run: Path, n: int, labels: str) -> tuple[np.ndarray, np.ndarray | None]:
    """z (N, 100) of the first n rows with a face, and their normalised algorithm-1 scores
    (N, 7) when `labels` is "alg1" (else None: the CNN labels each face in the loop)."""
    from ohlora.store.samples import load_samples

    s = load_samples(run)
    ok = s.found.copy()
    y = None
    if labels == "alg1":
        wanted = [f"alg1.{p}" for p in PROPERTIES]
        missing = [c for c in wanted if c not in s.columns]
        if missing:
            raise OhloraError(
                f"{run}'s store has no algorithm-1 scores ({', '.join(missing)}), which this "
                "version trains on: use a run sampled with the mesh scorer (`ohlora sample "
                "--scorer mesh`, the default)"
            )
        idx = [s.columns.index(c) for c in wanted]
        y = s.normalised[:, idx]
        ok &= np.isfinite(y).all(1)
    rows = np.flatnonzero(ok)[:n]
    if len(rows) < 64:
        raise OhloraError(
            f"{run} has only {len(rows)} usable faces: sample more with `ohlora sample`"
        )
    return s.z[rows].astype(np.float32), (y[rows].astype(np.float32) if y is not None else None)


def train(
    run: Path,
    p: FineTuneParams,
    *,
    context: Context | None = None,
    on_step: Callable[[int, int], None] | None = None,
) -> tuple[Path, dict[str, Any]]:
    """Train (or resume) version `p.version`; returns (model folder, record)."""
    out = Path(p.out) if p.out else Path(run) / f"finetune-{p.version}"
    ctx = context or open_context(run, p)
    version = make_version(p.version, ctx)
    version.to(p.device)
    z_all, y_all = training_faces(run, p.n, version.labels)
    gen = torch.Generator().manual_seed(p.seed)
    settings = {"version": p.version, "n": len(z_all), "batch_size": p.batch_size, "seed": p.seed}
    keep_best = p.keep == "best" and version.name != "v3"
    if keep_best:  # only then: checkpoints of "last" runs keep their settings
        settings["keep"] = "best"
    record: dict[str, Any] = {"epoch": 0, "history": [], "settings": settings, "seconds": 0.0}
    if has_checkpoint(out):
        record = load_checkpoint(out, version, gen)
        if record.get("settings") != settings:
            raise OhloraError(
                f"{out} holds a checkpoint trained with {record.get('settings')}, not "
                f"{settings}: give another --out or the same options"
            )
    steps = max(1, len(z_all) // p.batch_size)
    start, spent0 = time.monotonic(), float(record["seconds"])
    base = ctx.base.to(p.device).eval()
    epoch0 = int(record["epoch"])
    for epoch in range(epoch0, p.epochs):
        if epoch > epoch0 and spent0 + time.monotonic() - start > p.minutes * 60:
            break
        t0 = time.monotonic()
        version.train(True)
        order = torch.randperm(len(z_all), generator=gen)[: steps * p.batch_size]
        losses: dict[str, list[float]] = {}
        for b in range(steps):
            idx = order[b * p.batch_size : (b + 1) * p.batch_size]
            z = torch.from_numpy(z_all[idx.numpy()]).to(p.device)
            with torch.no_grad():
                x = base(z)
                c = (
                    torch.from_numpy(y_all[idx.numpy()]).to(p.device)
                    if y_all is not None
                    else version.props(x)
                )
            for k, v in version.step(z, x, c).items():
                losses.setdefault(k, []).append(v)
            if on_step:
                on_step(b + 1, steps)
        version.end_epoch()
        test = run_epoch_test(version, p.test_z, seed=p.seed + 7919 * (epoch + 1))
        entry = {
            "epoch": epoch + 1,
            "losses": {k: float(np.mean(v)) for k, v in losses.items()},
            "finite": all(math.isfinite(x) for v in losses.values() for x in v),
            "test": test.summary,
            "seconds": time.monotonic() - t0,
        }
        if version.name == "v3":
            version.choose(test.best)  # type: ignore[attr-defined]
            if test.passed:
                _save_model(out / "epochs" / f"epoch-{epoch + 1:03d}", version, entry, run)
        if keep_best and _rank(entry) > _rank(_entry_of(record["history"], record.get("best"))):
            _save_model(out / BEST, version, entry, run)
            record["best"] = epoch + 1
        record["history"].append(entry)
        record["epoch"] = epoch + 1
        record["seconds"] = spent0 + time.monotonic() - start
        save_checkpoint(out, version, gen, record)
        atomic_write_json(out / "history.json", record["history"])
    final = _final_entry(version, record["history"])
    if keep_best and record.get("best"):
        final = {**_entry_of(record["history"], record["best"]), "kept": True}
    if final is not None and final.get("kept"):
        from ohlora.modelfolder import ModelFolder

        folder = out / BEST if keep_best else out / "epochs" / f"epoch-{final['epoch']:03d}"
        state, cfg = ModelFolder(folder).load(kind=FORMAT, what="epoch model", remedy=REMEDY)
        cfg = {**cfg, "training": _summary(record, final)}
        ModelFolder(out).save(state, cfg, kind=FORMAT, metadata={"format": FORMAT})
    else:
        _save_model(out, version, final or {}, run, training=_summary(record, final))
    return out, record


def _rank(entry: dict | None) -> tuple[int, float]:
    """How good an epoch's per-epoch test was: v3 passes, then the mean corr sum."""
    if entry is None:
        return (-1, -math.inf)
    corr = sum(entry["test"]["mean_corr"].values())
    return (int(entry["test"]["passed_v3"]), corr if math.isfinite(corr) else -math.inf)


def _entry_of(history: list[dict], epoch: int | None) -> dict | None:
    return next((h for h in history if h["epoch"] == epoch), None)


def _final_entry(version: Version, history: list[dict]) -> dict | None:
    """v3: the passing epoch whose best z is most obedient; otherwise the last epoch."""
    if not history:
        return None
    if version.name == "v3":
        passing = [h for h in history if h["test"]["passed_v3"] > 0]
        if passing:
            best = max(passing, key=lambda h: sum(h["test"]["best"]["corr"].values()))
            return {**best, "kept": True}
    return history[-1]


def _summary(record: dict, final: dict | None) -> dict[str, Any]:
    return {
        "epochs": record["epoch"],
        "seconds": round(float(record["seconds"]), 1),
        "settings": record["settings"],
        "adopted_epoch": final["epoch"] if final else None,
        "adopted_test": final["test"] if final else None,
    }


def _save_model(
    folder: Path, version: Version, entry: dict, run: Path, training: dict | None = None
) -> None:
    config = {
        "version": version.name,
        "properties": list(version.properties),
        "psi": version.psi,
        "labels": version.labels,
        "generator": "dcgan-digiface-64",
        "run": str(run),
        "epoch": entry.get("epoch"),
        "training": training or {"epoch_test": entry.get("test")},
    }
    FineTunedModel.save(folder, version.G, version.extra_state(), config)
