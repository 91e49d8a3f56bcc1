"""The registry of known weights: where each file comes from, its sha256, the local cache.

Nothing else in ohlora downloads. A fetch downloads into a temporary folder inside the cache,
checks every sha256, converts the foreign checkpoint once to safetensors + JSON config, and
only then moves the result into place, so an interrupted or refused fetch leaves nothing
half-written. Cache: `$OHLORA_HOME/weights/<name>/`, default `$XDG_CACHE_HOME/ohlora`.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ohlora.errors import OhloraError
from ohlora.modelfolder import CONFIG_FILE, MODEL_FILE, ModelFolder, recorded_digest, sha256_file
from ohlora.runinfo import read_json

FORMAT = "ohlora-weights/1"


@dataclass(frozen=True)
class WeightsEntry:
    """One known set of weights.

    `source` says where the file comes from: `pypi-wheel` (a member inside a wheel fetched with
    `pip download --no-deps`, never installed), `pypi-sdist` (members of a source archive
    fetched the same way, never built or installed), `npm` (members of a package tarball from
    the npm registry, never installed) or `url` (a direct download). `sha256`
    holds the expected digest of each file on the way (None where the publisher gives none: the
    digest is then recorded in the converted config at fetch or import, and `verify` re-checks
    the converted model against it).

    `converter` is `module:function` (foreign checkpoint -> safetensors + JSON config), or
    `raw` for files that another library reads in its own format (dlib's models): they are
    installed as they are, beside a JSON config, and `verify` re-hashes each of them.
    """

    name: str
    description: str
    source: str
    location: str
    member: str | None
    sha256: dict[str, str | None]
    converter: str
    licence: str
    converted_sha256: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


REGISTRY: dict[str, WeightsEntry] = {}


def register(entry: WeightsEntry) -> None:
    """Add an entry to the registry (modules that own a converter register their weights)."""
    REGISTRY[entry.name] = entry


register(
    WeightsEntry(
        name="dcgan-digiface-64",
        description="DCGAN 64x64 face generator (z 100-d), the embedded default",
        source="pypi-wheel",
        location="gan-face-generate==1.1.1",
        member="gan_face_generate/weights.tar",
        sha256={
            "wheel": "24102f4be41d164e44251168ede0458a45e498a888c81493e2aea48529640569",
            "member": "0c3b90b138cfc4e8a73310b9fd5ce2a8f1f3a542a037de277412307fcd28771f",
        },
        converter="ohlora.generators.dcgan:convert_checkpoint",
        licence="MIT (c) 2023 chien liu",
        converted_sha256="df38d07b971b3778054d39a180d678b258e3c444bb720abce4b48ceb9dd9e412",
    )
)

# The independent judge of `ohlora evaluate` (scorers/dlib): dlib's 68-point landmarks and its
# ResNet face descriptor. Editing never uses them, so they can grade the edits honestly.
DLIB_MEMBERS = {
    "shape_predictor_68_face_landmarks.dat": (
        "fbdc2cb80eb9aa7a758672cbfdda32ba6300efe9b6e6c7a299ff7e736b11b92f"
    ),
    "dlib_face_recognition_resnet_model_v1.dat": (
        "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30"
    ),
}
register(
    WeightsEntry(
        name="dlib-face-judge",
        description="dlib 68-point landmarks + ResNet face descriptor (the independent judge)",
        source="pypi-sdist",
        location="face-recognition-models==0.3.0",
        member="face_recognition_models-0.3.0/face_recognition_models/models/",
        sha256={
            "sdist": "b79bd200a88c87c9a9d446c990ae71c5a626d1f3730174e6d570157ff1d896cf",
            **DLIB_MEMBERS,
        },
        converter="raw",
        licence="models by Davis King (dlib), public domain / CC0 1.0; package MIT. The 68-point "
        "model was trained on iBUG 300-W, whose images exclude commercial use",
        extra={"files": list(DLIB_MEMBERS)},
    )
)


# A face descriptor for direction finding (faces/descriptor): HSE's MobileNet face network as
# the @vladmandic/human npm package ships it (a TF.js graph model). Not a judge: evaluate grades
# identity with dlib's descriptor above, a different network.
FACERES_FILES = {
    "faceres.json": "5b83d49c0385d2e68a05122441b94226313677cae9fcc40b9587ad50079eb4df",
    "faceres.bin": "2c7d2d62b76c97528b736527aa09d310ea71743c9e3e79fb6c62d4b2d73af79b",
}
register(
    WeightsEntry(
        name="hse-faceres",
        description="HSE MobileNet face descriptor (TF.js graph), steers find-directions",
        source="npm",
        location="https://registry.npmjs.org/@vladmandic/human/-/human-3.3.6.tgz",
        member="package/models/",
        sha256={
            "tarball": "425e9c51dbbca0c8934362b170cb0d54c2529c11c654b3c03092b16e9d6ad3f7",
            **FACERES_FILES,
        },
        converter="ohlora.faces.descriptor:convert_faceres",
        converted_sha256="27cd09a4649d8ed6ebe2246ade4a9eb1645172e31e77e95894c4a381df5f7992",
        licence="model by A. Savchenko (HSE_FaceRec_tf), converted to TF.js by V. Mandic; "
        "package MIT",
        extra={"files": list(FACERES_FILES)},
    )
)


def home() -> Path:
    """The ohlora cache root: `$OHLORA_HOME`, else `$XDG_CACHE_HOME/ohlora`, else ~/.cache."""
    if os.environ.get("OHLORA_HOME"):
        return Path(os.environ["OHLORA_HOME"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "ohlora"


def entry(name: str) -> WeightsEntry:
    """Look up a registry entry, naming the known ones when the name is wrong."""
    _load_plugins()
    if name not in REGISTRY:
        raise OhloraError(f"unknown weights {name!r}; known: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[name]


def _load_plugins() -> None:
    """Import the modules that register further entries (kept lazy to keep start-up fast)."""
    import importlib

    for mod in ("ohlora.generators.stylegan.registry",):
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as e:
            if e.name != mod:
                raise


def cache_dir(name: str) -> Path:
    """Where the converted files of entry `name` live."""
    return home() / "weights" / name


def is_fetched(name: str) -> bool:
    """True when the converted model and its config are in the cache."""
    d = cache_dir(name)
    files = _raw_files(REGISTRY[name]) if name in REGISTRY else None
    return (d / CONFIG_FILE).is_file() and all((d / f).is_file() for f in files or [MODEL_FILE])


def _raw_files(e: WeightsEntry) -> list[str] | None:
    """The file names a `raw` entry installs (None for converted entries)."""
    return list(e.extra.get("files", [])) if e.converter == "raw" else None


def ensure(name: str) -> Path:
    """The cache folder of `name`, fetching and converting it first if it is not there.

    Processes that need the same entry at once (test workers, two commands started together,
    a cluster's workers) fetch it once: the first holds a lock while it fetches, the others
    wait for it and then find the entry in the cache."""
    if not is_fetched(name):
        with _fetch_lock(name):
            if not is_fetched(name):
                _fetch(name)
    return cache_dir(name)


@contextmanager
def _fetch_lock(name: str) -> Iterator[None]:
    """An exclusive lock on writing `name` into the cache (fetch or import), held across
    processes (and threads)."""
    root = home() / "locks"  # beside the cache: a failed fetch leaves nothing in it
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f"{name}.lock", "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _check(path: Path, expected: str | None, what: str, name: str) -> str:
    got = sha256_file(path)
    if expected is not None and got != expected:
        raise OhloraError(
            f"sha256 mismatch for {what} of {name}: expected {expected[:16]}…, got {got[:16]}… "
            f"({path.stat().st_size} bytes); the file is corrupt, truncated or not the published "
            f"one: fetch again with `ohlora weights fetch {name}` or import the right file"
        )
    return got


def _download_wheel(e: WeightsEntry, dest: Path) -> Path:
    """Fetch the entry's wheel (or, for `pypi-sdist`, its source archive) with pip, unbuilt."""
    sdist = e.source == "pypi-sdist"
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--disable-pip-version-check",
        "--quiet",
        *(["--no-binary", ":all:", "--no-build-isolation"] if sdist else []),
        "--dest",
        str(dest),
        e.location,
    ]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        raise OhloraError(
            f"downloading {e.location} from PyPI timed out: check the network, "
            f"or run `ohlora weights import {e.name} WHEEL_FILE`"
        ) from None
    wheels = sorted(dest.glob("*.tar.gz" if sdist else "*.whl"))
    if res.returncode != 0 or not wheels:
        last = (res.stderr.strip().splitlines() or ["no output"])[-1]
        raise OhloraError(
            f"could not download {e.location} from PyPI ({last.strip()}): check the network, or "
            f"get the wheel elsewhere and run `ohlora weights import {e.name} WHEEL_FILE`"
        )
    return wheels[0]


def _download_url(e: WeightsEntry, dest: Path) -> Path:
    target = dest / "download.bin"
    try:
        with urllib.request.urlopen(e.location, timeout=60) as r, open(target, "wb") as f:
            shutil.copyfileobj(r, f, 1 << 20)
    except (urllib.error.URLError, OSError, TimeoutError) as err:
        raise OhloraError(
            f"could not download {e.name} from {e.location.split('?')[0]} ({err}): no network or "
            f"the link has moved; download it by hand and run "
            f"`ohlora weights import {e.name} FILE`"
        ) from None
    return target


def _extract_member(e: WeightsEntry, wheel: Path, dest: Path) -> Path:
    try:
        with zipfile.ZipFile(wheel) as z, z.open(e.member) as src:
            out = dest / Path(e.member).name
            with open(out, "wb") as f:
                shutil.copyfileobj(src, f, 1 << 20)
    except (zipfile.BadZipFile, KeyError, EOFError, OSError) as err:
        raise OhloraError(
            f"{wheel.name} is not a wheel holding {e.member} ({err}): "
            f"fetch again with `ohlora weights fetch {e.name}`"
        ) from None
    return out


def _extract_archive_files(e: WeightsEntry, archive: Path, dest: Path) -> dict[str, Path]:
    """The entry's files (`extra["files"]`) out of its source archive or npm tarball (only
    those, by exact name)."""
    out: dict[str, Path] = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for fname in e.extra.get("files", []):
                src = tar.extractfile(f"{e.member}{fname}")
                if src is None:
                    raise KeyError(fname)
                out[fname] = dest / fname
                with src, open(out[fname], "wb") as f:
                    shutil.copyfileobj(src, f, 1 << 20)
    except (tarfile.TarError, KeyError, EOFError, OSError) as err:
        raise OhloraError(
            f"{archive.name} is not the archive holding {e.name}'s files ({err}): "
            f"fetch again with `ohlora weights fetch {e.name}`"
        ) from None
    return out


def _install_raw(e: WeightsEntry, files: dict[str, Path], work: Path, digests: dict) -> Path:
    """Install checked foreign-format files as they are, with a JSON config naming their
    source and digests, then move the folder into the cache atomically."""
    import json

    out = work / "installed"
    out.mkdir(mode=0o755)
    for fname, path in files.items():
        shutil.copyfile(path, out / fname)
    config = {
        "format": FORMAT,
        "files": {f: digests[f] for f in files},
        "weights": {
            "name": e.name,
            "source": e.source,
            "location": e.location,
            "member": e.member,
            "licence": e.licence,
            "source_sha256": digests,
        },
    }
    (out / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n")
    return _move_into_cache(e, out)


def _move_into_cache(e: WeightsEntry, folder: Path) -> Path:
    final = cache_dir(e.name)
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        shutil.rmtree(final)
    os.replace(folder, final)
    return final


def _convert_and_install(e: WeightsEntry, raw: Path, work: Path, digests: dict[str, str]) -> Path:
    """Run the entry's converter, save its tensors and config as a model folder in `work`,
    then move the folder into the cache atomically."""
    module, func = e.converter.split(":")
    import importlib

    convert: Callable[[Path], tuple[dict[str, Any], dict[str, Any]]] = getattr(
        importlib.import_module(module), func
    )
    tensors, config = convert(raw)
    out = work / "converted"
    out.mkdir(mode=0o755)
    source = {
        "name": e.name,
        "source": e.source,
        "location": e.location,
        "member": e.member,
        "licence": e.licence,
        "source_sha256": digests,
    }
    written = ModelFolder(out).save(
        tensors, {**config, "weights": source}, kind=FORMAT, metadata={"format": "pt"}
    )
    if e.converted_sha256 is not None and written["model_sha256"] != e.converted_sha256:
        raise OhloraError(
            f"converted {e.name} has sha256 {written['model_sha256'][:16]}…, expected "
            f"{e.converted_sha256[:16]}…: the converter and the registry disagree; report a bug"
        )
    return _move_into_cache(e, out)


def _workdir() -> tempfile.TemporaryDirectory[str]:
    root = home() / "weights"
    root.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=".partial-", dir=root)


def fetch(name: str) -> Path:
    """Download, verify, convert and install `name` (again, if it is cached); returns its
    cache folder."""
    with _fetch_lock(name):
        return _fetch(name)


def _fetch(name: str) -> Path:
    """`fetch` with the entry's lock held."""
    e = entry(name)
    with _workdir() as tmp:
        work = Path(tmp)
        digests: dict[str, str] = {}
        if e.source == "pypi-wheel":
            wheel = _download_wheel(e, work)
            digests["wheel"] = _check(wheel, e.sha256.get("wheel"), "the wheel", name)
            raw = _extract_member(e, wheel, work)
            digests["member"] = _check(raw, e.sha256.get("member"), e.member or "file", name)
        elif e.source == "pypi-sdist":
            sdist = _download_wheel(e, work)
            return _install_sdist(e, sdist, work)
        elif e.source == "npm":
            return _install_npm(e, _download_url(e, work), work)
        elif e.source == "url":
            raw = _download_url(e, work)
            digests["file"] = _check(raw, e.sha256.get("file"), "the download", name)
        else:
            raise OhloraError(f"registry entry {name} has unknown source {e.source!r}")
        return _convert_and_install(e, raw, work, digests)


def _install_sdist(e: WeightsEntry, sdist: Path, work: Path) -> Path:
    """Check the source archive and each raw file in it, then install the files."""
    digests = {"sdist": _check(sdist, e.sha256.get("sdist"), "the source archive", e.name)}
    files = _extract_archive_files(e, sdist, work)
    for fname, path in files.items():
        digests[fname] = _check(path, e.sha256.get(fname), fname, e.name)
    return _install_raw(e, files, work, digests)


def _install_npm(e: WeightsEntry, tarball: Path, work: Path) -> Path:
    """Check the npm tarball and each member taken out of it, then convert and install them."""
    digests = {"tarball": _check(tarball, e.sha256.get("tarball"), "the npm tarball", e.name)}
    files = work / "files"
    files.mkdir()
    for fname, path in _extract_archive_files(e, tarball, files).items():
        digests[fname] = _check(path, e.sha256.get(fname), fname, e.name)
    return _convert_and_install(e, files, work, digests)


def import_file(name: str, path: Path) -> Path:
    """Install `name` from a file the user already has (offline): a wheel or the checkpoint."""
    e = entry(name)
    path = Path(path)
    if not path.is_file():
        raise OhloraError(f"{path} is not a file: give the path of the downloaded file")
    with _fetch_lock(name), _workdir() as tmp:  # the cache's other writer: fetch's lock
        work = Path(tmp)
        digests: dict[str, str] = {}
        archives = {"pypi-sdist": ("source archive", ".tar.gz"), "npm": ("npm tarball", ".tgz")}
        if e.source in archives:
            what, suffix = archives[e.source]
            if not path.name.endswith(suffix):
                raise OhloraError(
                    f"{name} is imported from its {what} ({e.location}, a {suffix}): "
                    f"{path.name} is not one"
                )
            install = _install_sdist if e.source == "pypi-sdist" else _install_npm
            return install(e, path, work)
        if e.source == "pypi-wheel" and path.suffix == ".whl":
            digests["wheel"] = _check(path, e.sha256.get("wheel"), "the wheel", name)
            raw = _extract_member(e, path, work)
            digests["member"] = _check(raw, e.sha256.get("member"), e.member or "file", name)
        else:
            key = "member" if e.source == "pypi-wheel" else "file"
            digests[key] = _check(path, e.sha256.get(key), "the file", name)
            raw = path
        return _convert_and_install(e, raw, work, digests)


def verify(name: str) -> str:
    """Re-hash the cached model against the digest recorded (and pinned) for it."""
    e = entry(name)
    d = cache_dir(name)
    if not is_fetched(name):
        raise OhloraError(f"{name} is not in the cache ({d}): run `ohlora weights fetch {name}`")
    config = read_json(d / CONFIG_FILE)
    if e.converter == "raw":
        return _verify_raw(e, d)
    # caches written before the model folder format kept the digest under "weights"
    recorded = recorded_digest(config) or config.get("weights", {}).get("model_sha256")
    got = sha256_file(d / MODEL_FILE)
    expected = e.converted_sha256 or recorded
    if got != expected:
        raise OhloraError(
            f"{d / MODEL_FILE} has sha256 {got[:16]}…, expected {str(expected)[:16]}…: "
            f"the cache is corrupt; run `ohlora weights fetch {name}` again"
        )
    return got


def _verify_raw(e: WeightsEntry, d: Path) -> str:
    """Re-hash each installed raw file against the registry's digest; the archive's digest."""
    for fname in _raw_files(e) or []:
        got = sha256_file(d / fname)
        if got != e.sha256.get(fname):
            raise OhloraError(
                f"{d / fname} has sha256 {got[:16]}…, expected {str(e.sha256.get(fname))[:16]}…: "
                f"the cache is corrupt; run `ohlora weights fetch {e.name}` again"
            )
    return str(e.sha256.get("sdist"))


def raw_file(name: str, fname: str) -> Path:
    """The path of one installed file of a `raw` entry, fetching the entry first if needed."""
    e = entry(name)
    if fname not in (_raw_files(e) or []):
        raise OhloraError(f"{name} has no file {fname!r}")
    return ensure(name) / fname


def describe() -> list[dict[str, str]]:
    """One row per registry entry for `ohlora weights list`."""
    _load_plugins()
    rows = []
    for e in REGISTRY.values():
        rows.append(
            {
                "name": e.name,
                "cached": "yes" if is_fetched(e.name) else "no",
                "source": f"{e.source}: {e.location.split('?')[0]}"
                + (f" [{e.member}]" if e.member else ""),
                "description": e.description,
            }
        )
    return rows
