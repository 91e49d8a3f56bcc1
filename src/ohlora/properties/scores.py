"""Every raw score column of one analysed face: class map, algorithms 1 and 2, landmark.

Missing values are NaN, never 0: an image without a face has NaN in every column; a face
without hair pixels has NaN `*.hair_color`; a face without background in the upper half has
NaN background scores.
"""

from __future__ import annotations

import numpy as np

from ohlora.faces.analysis import FaceAnalysis, FaceAnalyzer
from ohlora.faces.classmap import class_map
from ohlora.properties import algorithm1, algorithm2, landmark
from ohlora.properties.columns import COLUMNS


def score_analysis(analysis: FaceAnalysis) -> np.ndarray:
    """One face's raw scores: float32 (len(COLUMNS),), all NaN when no face was found."""
    row = np.full(len(COLUMNS), np.nan, np.float32)
    if not analysis.found:
        return row
    cmap = class_map(analysis)
    values: dict[str, float] = {}
    for prefix, s in (
        ("alg1", algorithm1.scores(cmap, analysis.image)),
        ("alg2", algorithm2.scores(cmap, analysis.image)),
        ("landmark", landmark.scores(analysis.landmarks)),
    ):
        values.update({f"{prefix}.{k}": v for k, v in s.items()})
    for i, name in enumerate(COLUMNS):
        row[i] = values[name]
    return row


def score_batch(analyzer: FaceAnalyzer, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(raw float32 N x len(COLUMNS), found bool N) of images analysed with `analyzer`."""
    raw = np.full((len(images), len(COLUMNS)), np.nan, np.float32)
    found = np.zeros(len(images), bool)
    for i, image in enumerate(images):
        a = analyzer.analyse_one(image)
        found[i] = a.found
        raw[i] = score_analysis(a)
    return raw, found
