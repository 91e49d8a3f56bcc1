"""The seed rule's range: one seed, and N seeds from a first one."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.errors import OhloraError
from ohlora.generators.seeds import SEED_MAX, check_seed_span, latent_for_seed, seed_range


def test_the_range_ends_where_the_store_s_int64_seeds_end():
    assert np.iinfo(np.int64).max == SEED_MAX
    assert latent_for_seed(SEED_MAX, 4).shape == (4,)
    with pytest.raises(OhloraError, match="out of range"):
        latent_for_seed(SEED_MAX + 1, 4)


def test_a_span_of_seeds_stays_inside():
    assert seed_range(SEED_MAX - 2, 3).tolist() == [SEED_MAX - 2, SEED_MAX - 1, SEED_MAX]
    check_seed_span(0, 10)
    with pytest.raises(OhloraError, match=f"at most {SEED_MAX - 3}"):
        check_seed_span(SEED_MAX - 2, 4)
