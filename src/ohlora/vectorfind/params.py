"""Every option of direction finding, as one frozen value built by the commands.

Fields carry the command-line names (`--properties`, `--keep`, `--groups`, `--val`, ...), so a
reader can follow an option from `ohlora find-directions --help` to where it is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ohlora.properties.columns import DEFAULT_ALGORITHM


@dataclass(frozen=True)
class FindParams:
    """What `find_for_run` does with a run's samples."""

    k: float = 0.2  # top/bottom share: a fraction in (0, 0.5] or a count >= 1
    n: int | None = None  # use only the first n rows (None: all)
    space: str = "z"
    properties: tuple[str, ...] = ("eyes", "mouth", "pose")  # steered
    keep: tuple[str, ...] = ()  # held still while steering
    algorithm: str = DEFAULT_ALGORITHM
    filter: str | None = None  # rows meeting every condition, e.g. "gender>=0.5"
    groups: tuple[str, ...] = ()  # group faces at each property's median (VectorFind-v7)
    layers: tuple[int, ...] | None = None  # w+ only: the layers a direction moves
    val: float = 0.2  # validation share for the SVM accuracy
    svm_c: float = 1.0
    svm: str = "linearsvc"  # the SVM solver: linearsvc or sgd (hinge loss, partial_fit)
    stream: bool = False  # leave the latents on disk, read shard by shard when needed
    seed: int = 0  # validation split and LinearSVC
    scorer: str | None = None  # labels: None = the store's own scorer; "cnn" relabels
    cnn: Path | None = None  # --scorer cnn: the CNN folder (default the run's)
    # what the directions must not move (InterFaceGAN's conditional directions): none; gender
    # (every direction projected off it; hand labels exist for the embedded DCGAN in z only);
    # identity (the eyes and mouth directions bent off the latent moves that change who the
    # face is, by a face descriptor that is not the judge: ohlora.vectorfind.identity)
    condition: str = "identity"
    identity_faces: int = 2000  # faces whose descriptors fit the identity condition
    identity_strength: float = 0.03  # smaller bends further from the person (> 0)
    # the directions bent off the person: those whose edits lost it (the pose direction's own
    # loading is a sixth of the eyes'; held too, it measured no better: docs/keeping-the-person.md)
    identity_held: tuple[str, ...] = ("eyes", "mouth")
