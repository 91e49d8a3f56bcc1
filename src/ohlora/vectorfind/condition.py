"""Conditional directions (InterFaceGAN, Shen et al. 2020): steer a property without moving an
attribute that must stay, by projecting each direction off that attribute's direction.

On the embedded DCGAN the eyes and mouth directions lean towards the face's gender (cosine
about 0.25 with a gender direction fitted on the shipped hand labels; pose -0.04): a step
that opens the eyes also makes the face a little more one sex, which a face-recognition model
reads as another person. Measured in docs/keeping-the-person.md: projected off it, the
directions keep the person a little more and obey a little less, on the same curve as the
other levers, so it is an option (`ohlora find-directions --condition gender`), not the
default. The gender direction is a linear SVM on the latents of the 2,000 hand-labelled faces
shipped with the package (`ohlora.classifiers.labels`), which exist for that generator only.
"""

from __future__ import annotations

import numpy as np

from ohlora.classifiers.labels import SHIPPED_GENERATOR, shipped_label_sets
from ohlora.errors import OhloraError

CONDITIONS = ("none", "gender", "identity")
GENDER_SVM_C = 0.01  # strong regularisation: 2,000 labels in 100 dimensions


def conditions_for(condition: str, generator: object, space: str) -> list[str]:
    """The attributes `--condition` holds for this generator and space (gender is refused
    where no hand labels exist for it; identity is fitted on any generator's own faces)."""
    if condition not in CONDITIONS:
        raise OhloraError(f"unknown condition {condition!r}: use {', '.join(CONDITIONS)}")
    if condition == "none":
        return []
    if condition == "identity":
        return ["identity"]
    if not (getattr(generator, "name", None) == SHIPPED_GENERATOR and space == "z"):
        raise OhloraError(
            f"--condition gender needs hand-labelled faces of the generator; they ship for "
            f"{SHIPPED_GENERATOR} in z space only, not {getattr(generator, 'name', '?')} in "
            f"{space}: use --condition none"
        )
    return ["gender"]


def gender_direction(generator: object) -> np.ndarray:
    """Unit (D,) normal of a linear SVM separating the shipped hand labels' women from men in
    the generator's z space, pointing towards the faces labelled 1 (women)."""
    from sklearn.svm import LinearSVC

    z, y = [], []
    for labels in shipped_label_sets():
        ok = np.isfinite(labels.gender)
        z.append(labels.latents_for(generator)[ok])
        y.append(labels.gender[ok].astype(int))
    x, t = np.concatenate(z).astype(np.float64), np.concatenate(y)
    assert x.ndim == 2 and len(x) == len(t) and set(np.unique(t)) == {0, 1}, (x.shape, set(t))
    normal = LinearSVC(C=GENDER_SVM_C, max_iter=20_000).fit(x, t).coef_[0]
    return (normal / np.linalg.norm(normal)).astype(np.float32)


def project_off(vector: np.ndarray, held: np.ndarray) -> np.ndarray:
    """`vector` (D,) with its components along the rows of `held` (C, D) removed, unit length
    again: a step along it moves the held attributes' linear scores by nothing."""
    assert vector.ndim == 1 and held.ndim == 2 and held.shape[1] == len(vector), held.shape
    q, _ = np.linalg.qr(held.T.astype(np.float64))  # orthonormal basis of the held span
    v = vector.astype(np.float64) - q @ (q.T @ vector)
    norm = np.linalg.norm(v)
    if norm < 1e-6:
        raise OhloraError("a direction lies along a held attribute: drop --condition for it")
    return (v / norm).astype(np.float32)
