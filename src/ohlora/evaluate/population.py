"""Who the faces of a generation test are, taken all together: the population figures.

An editor or a fine-tuned generator can obey the asked properties and still narrow who it
draws (the original's FineTune-v1 made 93.7% women). Over every produced face of the test:
* women share and good-quality share: the run's gender / quality classifiers
  (RUN/classifiers, `ohlora train-classifiers`), P >= 0.5; skipped with a note when absent;
* diversity: mean dlib descriptor distance between the base faces of different cases (dlib
  calls two faces the same person under 0.6); like every judged face, a base dlib's detector
  misses is read from the generator's fixed face box (skipping it would flatter), and the
  report says how many bases the detector found;
* faces found: the share of produced faces in which the judge (the mesh by default) found a
  face.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ohlora.classifiers.ensemble import TASK_NAMES, GenderQuality

THRESHOLD = 0.5  # P(woman) / P(good quality) at or above which a face counts
SHARE_KEYS = {"gender": "women_share", "quality": "good_quality_share"}


@dataclass
class Classifiers:
    """The run's gender / quality classifiers that exist (possibly none) and why any lack."""

    models: GenderQuality | None
    notes: list[str]

    @classmethod
    def for_run(cls, run: Path) -> Classifiers:
        """Load RUN/classifiers' tasks that are there; a damaged file is a clear error (raised
        before the test starts, so nothing computed is lost)."""
        folder = Path(run) / "classifiers"
        present = tuple(t for t in TASK_NAMES if (folder / f"{t}.json").is_file())
        notes = [
            f"no {t} classifier in {folder}: {SHARE_KEYS[t]} skipped "
            f"(`ohlora train-classifiers --run {run}` adds it)"
            for t in TASK_NAMES
            if t not in present
        ]
        return cls(GenderQuality.load(folder, present) if present else None, notes)

    def shares(self, images: np.ndarray) -> tuple[dict[str, int], list[str]]:
        """Counts of faces at P >= 0.5 per task present, for uint8 N x H x W x 3 images; a
        classifier of another resolution is skipped with a note."""
        assert images.ndim == 4 and images.shape[-1] == 3, images.shape
        counts: dict[str, int] = {}
        notes: list[str] = []
        if self.models is None:
            return counts, notes
        for task, model in self.models.models.items():
            if images.shape[1:3] != (model.resolution, model.resolution):
                notes.append(
                    f"the {task} classifier reads {model.resolution} px faces of "
                    f"{model.generator}, not {images.shape[1]} px: {SHARE_KEYS[task]} skipped"
                )
                continue
            counts[task] = int((model.predict(images) >= THRESHOLD).sum())
        return counts, notes


def mean_pairwise_distance(descriptors: np.ndarray) -> float:
    """Mean Euclidean distance over the N(N-1)/2 pairs of (N, D) descriptors; NaN if N < 2."""
    d = np.asarray(descriptors, np.float64)
    assert d.ndim == 2, d.shape
    n = len(d)
    if n < 2:
        return float("nan")
    i, j = np.triu_indices(n, k=1)
    return float(np.linalg.norm(d[i] - d[j], axis=1).mean())


def summarise_population(
    images: list[np.ndarray],
    found: list[int],
    base_descriptors: list[np.ndarray | None],
    classifiers: Classifiers | None,
    base_detected: list[bool] | None = None,
) -> dict[str, Any]:
    """Population figures over a test's cases. Per case: its produced images (K, H, W, 3), how
    many of them the judge found a face in, its base face's dlib descriptor (None: no dlib
    judge) and whether dlib's detector found that base. `classifiers` None: not asked for."""
    assert len(images) == len(found) == len(base_descriptors), (
        len(images),
        len(found),
        len(base_descriptors),
    )
    assert base_detected is None or len(base_detected) == len(images), len(base_detected)
    faces = int(sum(len(x) for x in images))
    out: dict[str, Any] = {
        "faces": faces,
        "faces_found": int(sum(found)),
        "faces_found_share": float(sum(found) / faces) if faces else float("nan"),
    }
    notes = list(classifiers.notes) if classifiers is not None else []
    if classifiers is not None and classifiers.models is not None and faces:
        totals: dict[str, int] = {}
        for case in images:
            counts, why = classifiers.shares(case)
            for t, c in counts.items():
                totals[t] = totals.get(t, 0) + c
            notes += [w for w in why if w not in notes]
        for t, c in totals.items():
            out[SHARE_KEYS[t]] = c / faces
    bases = [d for d in base_descriptors if d is not None]
    out["diversity"] = mean_pairwise_distance(np.stack(bases)) if len(bases) >= 2 else np.nan
    out["diversity_faces"] = len(bases)
    if base_detected is not None:
        out["diversity_detected"] = int(
            sum(
                bool(f)
                for f, d in zip(base_detected, base_descriptors, strict=True)
                if d is not None
            )
        )
    if len(bases) < 2:
        notes.append("diversity needs the dlib judge and two cases")
    out["notes"] = notes
    return out


def population_line(pop: dict[str, Any]) -> str:
    """One line of the population figures, for the command's summary."""
    parts = [
        f"{what} {100 * pop[key]:.1f}%"
        for key, what in (("women_share", "women"), ("good_quality_share", "good quality"))
        if key in pop
    ]
    parts += [
        f"diversity {pop['diversity']:.3f}",
        f"faces found {100 * pop['faces_found_share']:.1f}%",
    ]
    return "; ".join(parts)
