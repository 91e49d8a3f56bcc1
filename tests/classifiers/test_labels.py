"""Labels CSVs: the shipped set loads; a corrupt CSV is a one-line error naming its line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ohlora.classifiers.labels import (
    LabelSet,
    read_labels,
    shipped_label_sets,
    shipped_labels,
)
from ohlora.errors import OhloraError


def test_shipped_labels_match_their_readme():
    s = shipped_labels()
    assert len(s) == 256
    assert np.array_equal(s.index, np.arange(256))
    assert int(s.gender.sum()) == 125 and int(s.quality.sum()) == 181
    expected = np.random.default_rng(20261122).standard_normal((256, 100)).astype(np.float32)
    assert s.latents is not None and np.array_equal(s.latents, expected)
    assert s.generator == "dcgan-digiface-64" and s.seeds is None


def test_shipped_seed_labels_match_their_readme():
    first, s = shipped_label_sets()
    assert len(first) + len(s) == 2000
    assert np.array_equal(s.seeds, np.arange(200_000, 201_744))
    assert not s.skipped.any() and np.isin(s.gender, (0, 1)).all()
    assert int(s.gender.sum()) == 646 and int(s.quality.sum()) == 1078
    assert int((s.passes == 2).sum()) == 5  # corrected after the audit
    assert s.passes is not None and set(s.passes.tolist()) <= {1, 2}
    assert s.generator == "dcgan-digiface-64" and s.latents is None


def _write(tmp_path: Path, text: str, latents: int | None = None) -> Path:
    p = tmp_path / "labels.csv"
    p.write_text(text)
    if latents is not None:
        np.save(tmp_path / "latents.npy", np.zeros((latents, 4), np.float32))
    return p


def _error(path: Path) -> str:
    with pytest.raises(OhloraError) as e:
        read_labels(path)
    msg = str(e.value)
    assert "\n" not in msg
    return msg


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("idx,gender,quality\n0,1,1\n", 1, "header"),
        ("index,gender,quality\n0,1,1\n1,2,1\n", 3, "gender is '2'"),
        ("index,gender,quality\n0,1,1\n1,1,yes\n", 3, "quality is 'yes'"),
        ("index,gender,quality\n0,1,1\n1,0,0\n0,1,0\n", 4, "index 0 repeats line 2"),
        ("index,gender,quality\n0,1,1\n1,0\n", 3, "2 columns"),
        ("index,gender,quality\n0,1,1,1\n", 2, "4 columns"),
        ("index,gender,quality\n-1,1,1\n", 2, "index is '-1'"),
        ("index,gender,quality\n0,,1\n", 2, "gender is ''"),
        ("index,seed,gender,quality\n0,5,1,1\n1,x,1,1\n", 3, "seed is 'x'"),
        ("index,seed,gender,quality\n0,5,skip,1\n", 2, "skip in both"),
        ("index,seed,gender,quality\n0,5,1,1\n1,6,0.5,1\n", 3, "gender is '0.5'"),
        ("index,seed,gender,quality,pass\n0,5,1,1,1\n1,6,1,1,x\n", 3, "pass is 'x'"),
        ("", 1, "empty"),
    ],
)
def test_corrupt_csv_names_the_line(tmp_path, text, line, words):
    msg = _error(_write(tmp_path, text, latents=4))
    assert f"labels.csv line {line}:" in msg, msg
    assert words in msg, msg


def test_seed_sheet_reads_open_and_skipped_cells(tmp_path):
    p = _write(tmp_path, "index,seed,gender,quality\n0,10,1,\n1,11,,\n2,12,skip,skip\n3,13,0,1\n")
    s = read_labels(p)
    assert isinstance(s, LabelSet) and s.seeds.tolist() == [10, 11, 12, 13]
    assert np.array_equal(s.gender, [1, np.nan, np.nan, 0], equal_nan=True)
    assert np.array_equal(s.quality, [np.nan, np.nan, np.nan, 1], equal_nan=True)
    assert s.skipped.tolist() == [False, False, True, False]


def test_latent_layout_needs_its_latents(tmp_path):
    p = _write(tmp_path, "index,gender,quality\n0,1,1\n5,0,1\n")
    assert "latents.npy" in _error(p)
    np.save(tmp_path / "latents.npy", np.zeros((3, 4), np.float32))
    assert "index 5" in _error(p)
    np.save(tmp_path / "latents.npy", np.arange(24, dtype=np.float32).reshape(6, 4))
    s = read_labels(p)
    assert np.array_equal(s.latents, np.array([[0, 1, 2, 3], [20, 21, 22, 23]], np.float32))


def test_missing_file_is_a_clear_error(tmp_path):
    assert "does not exist" in _error(tmp_path / "nope.csv")
