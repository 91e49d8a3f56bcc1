"""Fixtures of the StyleGAN tests: an empty weights cache, a registry that checks files against
the tiny architecture, and a tiny random generator."""

from __future__ import annotations

import pytest

from ohlora.generators.stylegan import convert
from ohlora.generators.stylegan.generator import StyleGANGenerator
from tests.generators.stylegan.random_weights import TINY, TINY_ARCH, random_stylegan


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("OHLORA_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def tiny_registry(home, monkeypatch):
    """The registry entry checks files against the tiny architecture instead of the 256 one."""
    monkeypatch.setattr(convert, "REGISTRY_ARCH", TINY_ARCH)
    return home


@pytest.fixture
def tiny() -> StyleGANGenerator:
    return random_stylegan(16, seed=0, arch=TINY)
