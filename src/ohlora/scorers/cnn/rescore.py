"""A mesh-scored store seen through the property CNN: the same faces, the CNN's scores.

This is how directions found with CNN labels are compared with directions found with mesh
labels at the same n and k: only the labels differ, not the faces. Rows the mesh could not
read stay out (found = False), so both label sets cover exactly the same population.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from ohlora.properties.normalise import Normalisation
from ohlora.store.samples import Samples


def rescore_with_cnn(
    samples: Samples,
    generator: str,
    cnn_folder: Path,
    normalisation: Normalisation,
    batch: int = 500,
    on_progress: Callable[[int], None] | None = None,
) -> Samples:
    """`samples` with raw and normalised scores replaced by the CNN's, in the run's units.

    Faces are regenerated from their stored latents; only the CNN's columns are kept.
    """
    from ohlora import generators
    from ohlora.scorers.cnn.scorer import CNNScorer

    scorer = CNNScorer.from_dir(cnn_folder, generator)
    gen = generators.load(generator)
    cols = list(scorer.columns)
    raw = np.full((len(samples), len(cols)), np.nan, np.float32)
    rows = np.flatnonzero(samples.found)
    for lo in range(0, len(rows), batch):
        part = rows[lo : lo + batch]
        images = gen.synthesize(samples.z[part])
        raw[part] = scorer.score(images).raw
        if on_progress:
            on_progress(len(part))
    normalised = normalisation.apply(raw, cols).astype(np.float32)
    assert raw.shape == normalised.shape == (len(samples), len(cols))
    return Samples(
        index=samples.index,
        seed=samples.seed,
        z=samples.z,
        raw=raw,
        found=samples.found.copy(),
        columns=cols,
        normalised=normalised,
        annotations=dict(samples.annotations),
    )
