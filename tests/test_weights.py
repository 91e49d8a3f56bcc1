"""The weights registry refuses wrong digests and truncated files, leaving nothing half-written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ohlora import weights
from ohlora.errors import OhloraError


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("OHLORA_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def _fake_wheel(path: Path, payload: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("gan_face_generate/weights.tar", payload)
    return path


def _leftovers(home: Path) -> list[Path]:
    root = home / "weights"
    return list(root.rglob("*")) if root.exists() else []


def test_wrong_wheel_sha256_is_refused(home, tmp_path):
    wheel = _fake_wheel(tmp_path / "gan_face_generate-1.1.1-py3-none-any.whl", b"not the weights")
    with pytest.raises(OhloraError, match="sha256 mismatch for the wheel"):
        weights.import_file("dcgan-digiface-64", wheel)
    assert not weights.is_fetched("dcgan-digiface-64")
    assert _leftovers(home) == []


def test_truncated_checkpoint_is_refused(home, tmp_path):
    truncated = tmp_path / "weights.tar"
    truncated.write_bytes(b"PK\x03\x04" + b"\0" * 1000)
    with pytest.raises(OhloraError, match="sha256 mismatch"):
        weights.import_file("dcgan-digiface-64", truncated)
    assert _leftovers(home) == []


def test_unknown_name_lists_known():
    with pytest.raises(OhloraError, match="dcgan-digiface-64"):
        weights.entry("no-such-model")


def test_verify_detects_corruption(home, tmp_path, monkeypatch):
    d = weights.cache_dir("dcgan-digiface-64")
    d.mkdir(parents=True)
    (d / weights.MODEL_FILE).write_bytes(b"garbage")
    (d / weights.CONFIG_FILE).write_text('{"weights": {"model_sha256": "00"}}')
    with pytest.raises(OhloraError, match="the cache is corrupt"):
        weights.verify("dcgan-digiface-64")


def test_no_network_is_one_clear_line(home, monkeypatch):
    monkeypatch.setitem(
        weights.REGISTRY,
        "dcgan-digiface-64",
        weights.WeightsEntry(
            **{
                **weights.entry("dcgan-digiface-64").__dict__,
                "location": "gan-face-generate==0.0.0.does.not.exist",
            }
        ),
    )
    with pytest.raises(OhloraError, match=r"could not download .* weights import"):
        weights.fetch("dcgan-digiface-64")
    assert _leftovers(home) == [home / "weights"] or _leftovers(home) == []
