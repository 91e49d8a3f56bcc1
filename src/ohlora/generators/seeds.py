"""The seed rule: which latent a face seed means, and the range of face seeds.

Seed `s` means the latent `numpy.random.default_rng(s).standard_normal(z_dim).astype(float32)`
(fixed, documented, relied on by edit plans and stores). Face seeds are 0..2^63-1, the range
of the int64 seed column of a sample store; a run of N faces from seed S uses S..S+N-1, which
must stay inside it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ohlora.errors import OhloraError

SEED_MAX = 2**63 - 1
SEED_RANGE = "0..2^63-1"


def latent_for_seed(seed: int, z_dim: int) -> np.ndarray:
    """The z of one seed under the project's seed rule."""
    if not 0 <= int(seed) <= SEED_MAX:
        raise OhloraError(f"seed {seed} is out of range: use an integer in 0..{SEED_MAX}")
    return np.random.default_rng(int(seed)).standard_normal(z_dim).astype(np.float32)


def latents_for_seeds(seeds: Iterable[int], z_dim: int) -> np.ndarray:
    """Stack the z of each seed: float32 (len(seeds), z_dim)."""
    rows = [latent_for_seed(s, z_dim) for s in seeds]
    if not rows:
        return np.zeros((0, z_dim), np.float32)
    return np.stack(rows)


def check_seed_span(first: int, n: int) -> None:
    """Refuse N faces from seed `first` whose last seed passes SEED_MAX (one line)."""
    if first < 0 or first + n - 1 > SEED_MAX:
        raise OhloraError(
            f"seeds {first}..{first + n - 1} leave the face-seed range {SEED_RANGE}: "
            f"lower --seed to at most {SEED_MAX - n + 1}"
        )


def seed_range(first: int, n: int) -> np.ndarray:
    """The seeds first..first+n-1 (int64), checked against the face-seed range."""
    check_seed_span(first, n)
    return np.arange(first, first + n, dtype=np.int64)
