"""The property CNN's model folder: save and load, and which folder a run's CNN lives in.

Files (a folder, default RUN/property_cnn): `model.safetensors` (weights), `config.json`
(format, architecture with areas, columns, normalisation, training figures, the weights'
sha256: `ohlora.modelfolder`), `normalisation.json` (the same statistics in the store's
format, for `ohlora sample --stats`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ohlora.errors import OhloraError
from ohlora.modelfolder import ModelFolder, damaged
from ohlora.properties.normalise import NORMALISATION_FILE, Normalisation
from ohlora.scorers.cnn.network import Architecture, PropertyCNN

FORMAT = "ohlora-property-cnn/1"
RETRAIN = "train one with `ohlora train-property-cnn --run RUN`"
DEFAULT_FOLDER = "property_cnn"


def save(folder: Path, model: PropertyCNN, norm: Normalisation, training: dict[str, Any]) -> Path:
    """Write normalisation.json, then model.safetensors + config.json into `folder`."""
    folder = Path(folder)
    cols = list(model.arch.columns)
    idx = norm._index(cols)
    stats = Normalisation(cols, norm.mean[idx], norm.std[idx], norm.count[idx])
    if stats.unusable:
        raise OhloraError(f"no usable statistics for {', '.join(stats.unusable)}")
    folder.mkdir(parents=True, exist_ok=True)
    stats.save(folder / NORMALISATION_FILE)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    config = {
        "architecture": model.arch.to_dict(),
        "normalisation": stats.to_dict(),
        "training": training,
    }
    ModelFolder(folder).save(state, config, kind=FORMAT, metadata={"format": FORMAT})
    return folder


def load(folder: Path) -> tuple[PropertyCNN, Normalisation, dict[str, Any]]:
    """(model in eval mode, its normalisation, the whole config) from a folder."""
    mf = ModelFolder(Path(folder))
    state, cfg = mf.load(kind=FORMAT, what="property CNN", remedy=RETRAIN)
    with damaged(mf.config_path, RETRAIN):
        model = PropertyCNN(Architecture.from_dict(cfg["architecture"]))
        model.load_state_dict(state)
        norm = Normalisation.from_dict(cfg["normalisation"], where=str(mf.config_path))
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model, norm, cfg


def folder_of_run(run: Path) -> Path:
    """The CNN a run uses: the one its store was sampled with, else RUN/property_cnn."""
    from ohlora.store.rundir import RunDir

    rd = RunDir(run)
    recorded = rd.config().get("sample", {}).get("cnn") if rd.exists() else None
    return Path(recorded) if recorded else Path(run) / DEFAULT_FOLDER


def resolve_folder(path: Path) -> Path:
    """A CNN folder given directly, or a run directory holding one in property_cnn/."""
    path = Path(path)
    if ModelFolder(path).exists():
        return path
    if ModelFolder(path / DEFAULT_FOLDER).weights_path.is_file():
        return path / DEFAULT_FOLDER
    raise OhloraError(
        f"{path} holds no property CNN (nor {path / DEFAULT_FOLDER}): train one with "
        f"`ohlora train-property-cnn --run RUN`, or give its folder"
    )


def cnn_for_sampling(
    run: Path, cnn: Path | None, generator: str | None = None
) -> tuple[str, str, Path]:
    """(absolute folder, weights sha256, normalisation file) of the CNN that scores a new store.

    `cnn` is a CNN folder or a run holding one; None means the one RUN was sampled with, else
    RUN/property_cnn. The CNN must have learned the faces of `generator` (when given).
    """
    folder = resolve_folder(Path(cnn) if cnn is not None else folder_of_run(Path(run)))
    _, _, cfg = load(folder)
    check_generator(cfg, folder, generator)
    return str(folder.resolve()), str(cfg["model_sha256"]), folder / NORMALISATION_FILE


def check_generator(cfg: dict[str, Any], folder: Path, generator: str | None) -> None:
    """Refuse a CNN (its loaded config) that learned another generator's faces."""
    learned = cfg.get("training", {}).get("generator")
    if generator is not None and learned is not None and learned != generator:
        raise OhloraError(
            f"the property CNN in {folder} learned {learned} faces, not {generator}: train one "
            f"on a {generator} run"
        )
