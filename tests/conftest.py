"""Shared fixtures: the embedded generator (real registry weights, fetched once per cache)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(scope="session")
def dcgan():
    """The real embedded DCGAN, through the weights registry."""
    from ohlora.generators.dcgan import DCGANGenerator

    return DCGANGenerator.pretrained()
