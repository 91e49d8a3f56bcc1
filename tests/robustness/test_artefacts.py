"""Random byte flips and truncations of every artefact type we read: each load either refuses
with one `OhloraError` or returns exactly what the good file holds (a flip in JSON whitespace
is harmless). Anything else, a traceback or different numbers, fails."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from ohlora import weights
from ohlora.errors import OhloraError
from ohlora.generators.dcgan import DCGANGenerator
from ohlora.properties.normalise import Normalisation
from ohlora.store.samples import load_samples
from ohlora.vectorfind.directions import Directions
from tests.robustness.conftest import COUNTS


def _directions(folder: Path) -> object:
    d = Directions.load(folder / "directions")
    s = d.sets["all"]
    return (d.steered, d.latent_shape, s.names, s.vectors, s.response_b, s.response_c)


def _normalisation(folder: Path) -> object:
    return Normalisation.load(folder / "normalisation.json").to_dict()


def _samples(folder: Path) -> object:
    s = load_samples(folder)
    return (s.index, s.seed, s.z, s.raw, s.found, s.normalised, s.columns)


def _dcgan(folder: Path) -> object:
    return {k: v.clone() for k, v in DCGANGenerator.from_dir(folder).net.state_dict().items()}


def _same(a: object, b: object) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, torch.Tensor):
        return torch.equal(a, b)
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    return a == b


@st.composite
def damage(draw: st.DrawFn, size: int) -> tuple[str, list[tuple[int, int]] | int]:
    """Either ("flip", [(offset, xor mask), ...]) or ("truncate", new length)."""
    if draw(st.booleans()):
        return "truncate", draw(st.integers(0, size - 1))
    flips = draw(
        st.lists(st.tuples(st.integers(0, size - 1), st.integers(1, 255)), min_size=1, max_size=3)
    )
    return "flip", flips


def _apply(path: Path, how: tuple[str, list[tuple[int, int]] | int]) -> None:
    data = bytearray(path.read_bytes())
    kind, arg = how
    if kind == "truncate":
        data = data[: int(arg)]  # type: ignore[arg-type]
    else:
        for off, mask in arg:  # type: ignore[union-attr]
            data[off] ^= mask
    path.write_bytes(bytes(data))


def _check(source: Path, relative: str, load: Callable[[Path], object], data: st.DataObject):
    good = load(source)
    work = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        folder = work / "copy"
        shutil.copytree(source, folder)
        target = folder / relative
        _apply(target, data.draw(damage(target.stat().st_size)))
        COUNTS["inputs"] += 1
        try:
            got = load(folder)
        except OhloraError as e:
            assert "\n" not in str(e)
            COUNTS["refused"] += 1
            return
        assert _same(good, got), f"{relative}: damaged file loaded with other content"
        COUNTS["same"] += 1
    finally:
        shutil.rmtree(work)


ARTEFACTS = {
    "directions.safetensors": ("directions/directions.safetensors", _directions),
    "directions.json": ("directions/directions.json", _directions),
    "normalisation.json": ("normalisation.json", _normalisation),
    "sample shard": ("samples/shard-00000.npz", _samples),
}


@pytest.mark.parametrize("kind", sorted(ARTEFACTS))
@pytest.mark.slow
def test_damaged_run_artefacts_are_refused_or_harmless(small_run, kind):
    relative, load = ARTEFACTS[kind]

    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        _check(small_run, relative, load, data)

    check()


@pytest.mark.parametrize("relative", ["model.safetensors", "config.json"])
def test_damaged_cached_weights_are_refused_or_harmless(dcgan, relative):
    source = weights.cache_dir("dcgan-digiface-64")

    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        _check(source, relative, _dcgan, data)

    check()
