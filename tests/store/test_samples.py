"""The sample store refuses damaged, duplicated, missing and mixed shards with one clear line,
cleans a killed writer's temp files, and writes atomically."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.errors import OhloraError
from ohlora.store import samples as store


def _shard(lo: int, hi: int, columns=("a", "b")) -> dict[str, np.ndarray]:
    n = hi - lo
    return {
        "index": np.arange(lo, hi),
        "seed": np.arange(lo, hi) + 7,
        "z": np.full((n, 4), lo, np.float32),
        "raw": np.arange(n * len(columns), dtype=np.float32).reshape(n, len(columns)),
        "found": np.ones(n, bool),
        "columns": np.array(columns),
    }


def _write(run, j: int, arrays) -> None:
    store.write_npz(store.shard_path(run, j), arrays)


def test_shards_load_in_index_order(tmp_path):
    _write(tmp_path, 0, _shard(3, 5))  # the file order is not the row order
    _write(tmp_path, 1, _shard(0, 3))
    s = store.load_samples(tmp_path)
    np.testing.assert_array_equal(s.index, np.arange(5))
    np.testing.assert_array_equal(s.seed, np.arange(5) + 7)
    assert s.normalised is None and s.columns == ["a", "b"]


def test_a_damaged_shard_is_one_clear_line(tmp_path):
    _write(tmp_path, 0, _shard(0, 3))
    path = store.shard_path(tmp_path, 0)
    path.write_bytes(path.read_bytes()[:50])
    with pytest.raises(OhloraError, match=r"shard-00000\.npz is damaged .*run the command that"):
        store.load_samples(tmp_path)


@pytest.mark.parametrize(
    ("second", "message"),
    [((2, 5), "missing or duplicated"), ((4, 6), "missing or duplicated")],
    ids=["duplicated", "missing"],
)
def test_duplicated_or_missing_rows_are_refused(tmp_path, second, message):
    _write(tmp_path, 0, _shard(0, 3))
    _write(tmp_path, 1, _shard(*second))
    with pytest.raises(OhloraError, match=message):
        store.load_samples(tmp_path)


def test_mixed_score_columns_are_refused(tmp_path):
    _write(tmp_path, 0, _shard(0, 3))
    _write(tmp_path, 1, _shard(3, 5, columns=("a", "c")))
    with pytest.raises(OhloraError, match=r"other score columns.*fresh --run"):
        store.load_samples(tmp_path)


def test_an_empty_run_says_to_sample_first(tmp_path):
    with pytest.raises(OhloraError, match=r"holds no samples.*ohlora sample"):
        store.load_samples(tmp_path)


def test_stale_temp_files_are_removed_and_shards_kept(tmp_path):
    _write(tmp_path, 0, _shard(0, 3))
    folder = tmp_path / store.SHARD_DIR
    (folder / ".shard-00001.npz.tmp-123").write_bytes(b"half")
    (folder / "notes.txt").write_text("mine")
    store.remove_stale_temp(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "shard-00000.npz"]


def test_shard_is_complete_needs_the_file_the_rows_and_an_index(tmp_path):
    path = store.shard_path(tmp_path, 0)
    assert not store.shard_is_complete(path, 3)
    store.write_npz(path, _shard(0, 3))
    assert store.shard_is_complete(path, 3)
    assert not store.shard_is_complete(path, 4)
    path.write_bytes(path.read_bytes()[:-10])
    assert not store.shard_is_complete(path, 3)


def test_annotations_align_to_rows_with_nan_elsewhere(tmp_path):
    _write(tmp_path, 0, _shard(0, 5))
    store.write_annotation(tmp_path, "q", np.array([4, 1]), {"quality": np.array([0.5, 0.25])})
    s = store.load_samples(tmp_path)
    np.testing.assert_array_equal(s.column("quality"), [np.nan, 0.25, np.nan, np.nan, 0.5])
    with pytest.raises(OhloraError, match="not finalised"):
        s.column("a")
