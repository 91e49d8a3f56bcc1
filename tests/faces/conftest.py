"""Real generated faces, analysed once per test run (seeds 0..63 of the embedded DCGAN).

tests/properties imports these fixtures too; the module-level cache keeps the work to once.
"""

from __future__ import annotations

import functools

import pytest

SEEDS = range(64)


@functools.cache
def _analyzer():
    from ohlora.faces.analysis import FaceAnalyzer

    return FaceAnalyzer()


@functools.cache
def _images():
    from ohlora.generators.dcgan import DCGANGenerator

    g = DCGANGenerator.pretrained()
    return g.synthesize(g.latents_for_seeds(list(SEEDS)))


@functools.cache
def _analyses():
    return tuple(_analyzer().analyse(_images()))


@pytest.fixture(scope="session")
def analyzer():
    return _analyzer()


@pytest.fixture(scope="session")
def real_images():
    return _images()


@pytest.fixture(scope="session")
def real_analyses():
    return list(_analyses())
