"""One folder format for every model ohlora saves: safetensors weights + a JSON config.

Beside the model's own fields (architecture, training figures, ...) the config records what
the folder holds (`format`), the weights file's name and sha256 (`model_file`,
`model_sha256`) and the ohlora version that wrote it (`ohlora_version`). Loading checks the
digest, so a folder whose two files come from different saves is refused with one line
instead of silently mixing models. The property CNN, the gender / quality classifiers, the
directions and the weights cache all save through here.

Checking is cheap after the first time: the digest of a weights file is remembered in a
hidden `.<file>.sha256` beside it together with the file's size and modification time, and
recomputed whenever either changes (any rewrite or byte flip does), so every load is checked.
The config is sealed with a checksum of its content (`runinfo.sealed`), checked at load.
A config whose fields do not fit the weights (`damaged`) is one line too, never a traceback.

Folders written before this format still load: a digest stored as `weights_sha256`
(classifiers) is read as `model_sha256`, and a config without a digest (directions) or
without a `format` loads unchecked.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ohlora import __version__
from ohlora.errors import OhloraError
from ohlora.runinfo import CHECKSUM, atomic_write_json, check_sealed, read_json, sealed

MODEL_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
DIGEST = "model_sha256"
LEGACY_DIGESTS = ("weights_sha256",)  # the classifiers' name for the digest before this format


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verified_sha256(path: Path) -> str:
    """`sha256_file(path)`, reusing the digest remembered in `.<name>.sha256` while the
    file's size and modification time (ns) are those it was computed for."""
    path = Path(path)
    st = path.stat()
    stamp = path.with_name(f".{path.name}.sha256")
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        rec = json.loads(stamp.read_text())
        if rec["size"] == st.st_size and rec["mtime_ns"] == st.st_mtime_ns:
            return str(rec["sha256"])
    digest = sha256_file(path)
    with contextlib.suppress(OSError):  # a read-only folder: check again next time
        atomic_write_json(stamp, {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest})
    return digest


@contextlib.contextmanager
def damaged(path: Path, remedy: str) -> Iterator[None]:
    """Turn the errors of building a model from a config that does not fit (a missing or
    mistyped field, wrong shapes) into one line naming `path` and ending in `remedy`."""
    try:
        yield
    except (KeyError, TypeError, ValueError, AssertionError, RuntimeError, IndexError) as e:
        detail = str(e).splitlines()[0][:120] if str(e) else ""
        raise OhloraError(
            f"{path} is damaged or does not fit its weights ({e.__class__.__name__}"
            + (f": {detail}" if detail else "")
            + f"): {remedy}"
        ) from None


def recorded_digest(config: Mapping[str, Any]) -> str | None:
    """The weights' sha256 a config records, under its current or an older name."""
    for key in (DIGEST, *LEGACY_DIGESTS):
        if config.get(key):
            return str(config[key])
    nested = config.get("weights")  # weights caches converted before this format
    if isinstance(nested, dict) and nested.get(DIGEST):
        return str(nested[DIGEST])
    return None


@dataclass(frozen=True)
class ModelFolder:
    """The weights file and the config file of one model inside `path`."""

    path: Path
    weights: str = MODEL_FILE
    config: str = CONFIG_FILE

    @classmethod
    def named(cls, path: Path | str, stem: str) -> ModelFolder:
        """`<stem>.safetensors` + `<stem>.json` (several models sharing one folder)."""
        return cls(Path(path), f"{stem}.safetensors", f"{stem}.json")

    @property
    def weights_path(self) -> Path:
        return Path(self.path) / self.weights

    @property
    def config_path(self) -> Path:
        return Path(self.path) / self.config

    def exists(self) -> bool:
        return self.weights_path.is_file() and self.config_path.is_file()

    def save(
        self,
        tensors: Mapping[str, Any],
        config: Mapping[str, Any],
        *,
        kind: str,
        metadata: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Write the weights (torch tensors or numpy arrays) atomically, then the config with
        format, file name, digest and version; returns the config written."""
        Path(self.path).mkdir(parents=True, exist_ok=True)
        tmp = self.weights_path.with_name(f".{self.weights}.tmp")
        meta = dict(metadata) if metadata is not None else None
        if all(_is_numpy(t) for t in tensors.values()):
            from safetensors.numpy import save_file as save_numpy

            save_numpy(dict(tensors), str(tmp), metadata=meta)
        else:
            from safetensors.torch import save_file as save_torch

            save_torch(dict(tensors), str(tmp), metadata=meta)
        _readable_by_all(tmp)
        tmp.replace(self.weights_path)
        written = {
            **config,
            "format": kind,
            "model_file": self.weights,
            DIGEST: sha256_file(self.weights_path),
            "ohlora_version": __version__,
        }
        written = sealed(written)
        atomic_write_json(self.config_path, written)
        return written

    def read_config(self, *, kind: str | None, what: str, remedy: str) -> dict[str, Any]:
        """The config; a missing pair of files or another format is one line ending in
        `remedy` (what to do)."""
        if not self.exists():
            raise OhloraError(
                f"{self.path} holds no {what} ({self.config} + {self.weights}): {remedy}"
            )
        config = read_json(self.config_path, remedy)
        if not isinstance(config, dict):
            raise OhloraError(f"{self.config_path} is not a {what} config: {remedy}")
        found = config.get("format")
        if kind is not None and found is not None and found != kind:
            adjective = what.replace(" ", "-")  # "a property-CNN config"
            raise OhloraError(
                f"{self.config_path} is not a {adjective} config (format {found!r}, not "
                f"{kind!r}): {remedy}"
            )
        check_sealed(config, self.config_path, remedy)
        config.pop(CHECKSUM, None)
        return config

    def check(self, config: Mapping[str, Any], *, remedy: str) -> None:
        """Refuse weights whose sha256 differs from the one the config records (if any)."""
        expected = recorded_digest(config)
        if expected and verified_sha256(self.weights_path) != expected:
            raise OhloraError(
                f"{self.weights_path} does not match the digest in {self.config_path} (the "
                f"file does not match the sha256 saved with it): the folder is damaged or "
                f"mixed; {remedy}"
            )

    def load(
        self,
        *,
        kind: str | None,
        what: str,
        remedy: str,
        framework: str = "pt",
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """(tensors, config): torch tensors (`framework` "pt") or numpy arrays ("np"), the
        weights checked against the recorded digest (cheaply, see `verified_sha256`). The
        returned config names the digest `model_sha256` whatever name the file used."""
        config = self.read_config(kind=kind, what=what, remedy=remedy)
        self.check(config, remedy=remedy)
        try:
            if framework == "np":
                from safetensors.numpy import load_file as load_numpy

                tensors = load_numpy(str(self.weights_path))
            else:
                from safetensors.torch import load_file as load_torch

                tensors = load_torch(str(self.weights_path))
        except Exception as e:  # safetensors raises several types for a damaged file
            raise OhloraError(
                f"{self.weights_path} is unreadable ({e.__class__.__name__}): {remedy}"
            ) from None
        digest = recorded_digest(config)
        if digest is not None:
            config[DIGEST] = digest
        return tensors, config


def _readable_by_all(path: Path) -> None:
    """Give a written file the permissions the umask allows (safetensors writes 0600)."""

    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def _is_numpy(value: Any) -> bool:
    import numpy as np

    return isinstance(value, np.ndarray)
