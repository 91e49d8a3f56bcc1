"""The mesh scorer on real faces: NaN rows for no face, workers agree with in-process."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.errors import OhloraError
from ohlora.properties.columns import COLUMNS
from ohlora.scorers.mesh.scorer import MeshScorer

GREY = np.full((64, 64, 3), 128, np.uint8)


@pytest.mark.slow
def test_workers_match_in_process_and_keep_order(real_images):
    images = np.concatenate([real_images[:11], GREY[None], real_images[11:28]])
    with MeshScorer(workers=0) as s0:
        r0 = s0.score(images)
    done = []
    with MeshScorer(workers=2) as s2:
        r2 = s2.score(images, on_progress=done.append)
        again = s2.score(images[::-1])  # the same workers serve a second batch
    assert sum(done) == len(images)
    assert r0.raw.shape == (len(images), len(COLUMNS)) and r0.raw.dtype == np.float32
    np.testing.assert_array_equal(r0.found, r2.found)
    np.testing.assert_array_equal(r0.raw, r2.raw)
    np.testing.assert_array_equal(again.raw[::-1], r2.raw)
    assert not r0.found[11] and np.isnan(r0.raw[11]).all()
    assert r0.found.sum() >= 0.85 * 28
    ok = r0.found
    core = [COLUMNS.index(c) for c in COLUMNS if not c.endswith("hair_color")]
    assert np.isfinite(r0.raw[ok][:, core]).all()


def test_blank_image_scores_nan_and_not_found():
    with MeshScorer(workers=0) as s:
        res = s.score(GREY[None])
        one = s.score_one(GREY)
        empty = s.score(np.zeros((0, 64, 64, 3), np.uint8))
    assert res.found.tolist() == [False] and np.isnan(res.raw).all()
    assert list(one) == COLUMNS and all(np.isnan(v) for v in one.values())
    assert empty.raw.shape == (0, len(COLUMNS))


def test_bad_input_is_a_clear_error():
    with pytest.raises(OhloraError, match="workers must be 0"):
        MeshScorer(workers=-1)
    with pytest.raises(OhloraError, match="uint8 images"):
        MeshScorer(workers=0).score(np.zeros((2, 64, 64, 3), np.float32))


def test_worker_death_is_a_clear_error(real_images):
    s = MeshScorer(workers=1)
    try:
        s.score(real_images[:2])
        s._pool.workers[0].proc.kill()
        with pytest.raises(OhloraError, match="worker stopped"):
            s.score(real_images[:4])
        # the scorer starts fresh workers on the next call
        assert s.score(real_images[:2]).found.shape == (2,)
    finally:
        s.close()
