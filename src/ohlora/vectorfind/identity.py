"""Directions that keep the person: InterFaceGAN's conditioning with who the face is as the
condition.

A property's SVM normal is the latent move that best separates faces with high and low
scores, whatever else that move changes. On the embedded DCGAN the eyes direction also
changes the person: a face descriptor's reading, with the steered properties' own effect
removed, moves 6 times as much per unit step along the eyes direction as along the pose
direction (0.107 against 0.017 of the largest such change; the mouth 0.033). Edits asked for
the eyes on a turned face lost the person most (docs/keeping-the-person.md, "Where the
person goes").

The condition is fitted on the run's own faces, with a descriptor that is not the judge
(`ohlora.faces.descriptor`, HSE's face network; the evaluation grades identity with dlib's):

* the descriptors of `faces` sampled faces, less what their steered properties (the scores,
  their squares and products) explain linearly: who the face is, not how it looks now;
* a ridge regression of that on the latent, `A` (E x D): how each latent move changes the
  person; `M = A^T A`, scaled to a largest eigenvalue of 1;
* each conditioned direction u becomes `v ∝ (M + strength I)^-1 u`, the unit move that
  raises the property's linear score (along u) the most per unit of `v^T (M + strength I) v`:
  the person's change, plus `strength` times the move's length (0.03 by default, measured in
  docs/keeping-the-person.md). A large strength leaves u as it was; a small one bends it
  furthest from the person;
* then corrected, by the least change in the same measure, to move the other steered
  properties in the same proportion to its own as u did (their slopes from a ridge regression
  of the scores on the same faces): without it the held eyes direction turned the head more,
  and the editor's turns obeyed less.

The descriptors are kept in RUN/identity/, chunk by chunk, so a run resumes and a second fit
(another strength) costs nothing.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ohlora.errors import OhloraError

RIDGE = 10.0  # the regression's ridge, in latent units squared (z: about 100 per face)
# faces per latent dimension below which the fit is left out: on runs/n6k the eyes direction
# held with 200 faces meets the one held with 2,000 at cosine 0.84, with 1,000 at 0.97, and
# a 600-face run's held directions obeyed visibly less (its blink and edit tests)
MIN_FACES_PER_DIM = 10
CACHE = "identity/hse-faceres.npz"  # RUN/...: descriptors of store rows, reused between runs


def identity_metric(latents: np.ndarray, descriptors: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """M (D, D), largest eigenvalue 1: how much each latent move changes who the face is.

    latents (N, D), descriptors (N, E) of those faces, scores (N, P) of the steered properties
    (their linear, square and product terms are regressed out of the descriptors first).
    """
    n, dim = latents.shape
    assert descriptors.shape[0] == n and scores.shape[0] == n, (descriptors.shape, scores.shape)
    if n < MIN_FACES_PER_DIM * dim:
        raise OhloraError(
            f"{n} faces cannot fit a {dim}-d identity condition: use --identity-faces "
            f"{MIN_FACES_PER_DIM * dim} or more (and a store that large)"
        )
    p = scores.shape[1]
    pairs = [scores[:, [i]] * scores[:, [j]] for i in range(p) for j in range(i + 1, p)]
    x = np.concatenate([np.ones((n, 1)), scores, scores**2, *pairs], 1).astype(np.float64)
    e = descriptors.astype(np.float64)
    person = e - x @ np.linalg.lstsq(x, e, rcond=None)[0]
    a = linear_responses(latents, person)  # (E, D)
    m = a.T @ a
    return m / np.linalg.eigvalsh(m)[-1]


def linear_responses(latents: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """(P, D): a ridge regression (`RIDGE`) of each column of `scores` (N, P) on the latents
    (N, D): how each moves per latent step (the steered properties' slopes, or the
    descriptor's residual for `identity_metric`)."""
    assert latents.shape[0] == scores.shape[0], (latents.shape, scores.shape)
    x = latents.astype(np.float64) - latents.mean(0)
    y = scores.astype(np.float64) - scores.mean(0)
    return np.linalg.solve(x.T @ x + RIDGE * np.eye(x.shape[1]), x.T @ y).T


def hold_identity(
    vector: np.ndarray,
    metric: np.ndarray,
    strength: float,
    responses: np.ndarray | None = None,
    own: int = 0,
) -> np.ndarray:
    """The unit direction `(metric + strength I)^-1 vector`, on the same side as `vector`.

    With `responses` (K, D), the linear response of each steered property to the latent (row
    `own` is this direction's property), the direction is then corrected, by the least change
    in `metric + strength I`, to move the other properties in the same proportion to its own
    as `vector` did: bent off the person, it brings no new cross-talk for the editor to undo.
    """
    assert vector.ndim == 1 and metric.shape == (len(vector), len(vector)), metric.shape
    if not strength > 0:
        raise OhloraError(f"the identity strength must be > 0, not {strength}: try 0.03")
    u = vector.astype(np.float64)
    a = metric + strength * np.eye(len(u))
    v = np.linalg.solve(a, u)
    if responses is not None:
        b = responses.astype(np.float64)
        assert b.ndim == 2 and b.shape[1] == len(u) and 0 <= own < len(b), (b.shape, own)
        target = (b @ u) * (b[own] @ v) / (b[own] @ u)
        ab = np.linalg.solve(a, b.T)
        v = v + ab @ np.linalg.solve(b @ ab, target - b @ v)
    v /= np.linalg.norm(v)
    return (v if v @ u >= 0 else -v).astype(np.float32)


def identity_loading(vector: np.ndarray, metric: np.ndarray) -> float:
    """How much a unit step along `vector` changes the person, on the metric's scale (0..1)."""
    u = vector / np.linalg.norm(vector)
    return float(u @ metric @ u)


class DescribeTools:
    """The HSE network and the mediapipe analyser that `describe_faces` needs, each opened on
    first use and kept for every later call: opening them takes about 0.5 s and 1.5 s on 2
    cores, which `run_descriptors` used to pay again for every 512-face chunk."""

    def __init__(self) -> None:
        self._net: Any = None
        self._analyzer: Any = None

    @property
    def net(self) -> Any:
        if self._net is None:
            from ohlora.faces.descriptor import FaceDescriptor

            self._net = FaceDescriptor.pretrained()
        return self._net

    @property
    def analyzer(self) -> Any:
        if self._analyzer is None:
            from ohlora.faces.analysis import FaceAnalyzer

            self._analyzer = FaceAnalyzer(256)
        return self._analyzer

    def close(self) -> None:
        if self._analyzer is not None:
            self._analyzer.close()
            self._analyzer = None

    def __enter__(self) -> DescribeTools:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def describe_faces(
    generator: Any,
    latents: np.ndarray,
    on_progress: Callable[[int], None] | None = None,
    batch: int = 64,
    tools: DescribeTools | None = None,
) -> np.ndarray:
    """float32 (N, 1024) descriptors of the generator's faces of `latents` (NaN rows where
    mediapipe finds no face); `tools` are opened (and closed) here when not given."""
    from ohlora.faces.descriptor import DIM

    if tools is None:
        with DescribeTools() as own:
            return describe_faces(generator, latents, on_progress, batch, own)
    fa, net = tools.analyzer, tools.net
    out = np.full((len(latents), DIM), np.nan, np.float32)
    for lo in range(0, len(latents), batch):
        images = generator.synthesize(latents[lo : lo + batch])
        marks = [fa.landmarks_of(im) for im in images]
        out[lo : lo + batch] = net.describe(images, marks, fa.size)
        if on_progress is not None:
            on_progress(len(images))
    return out


def run_descriptors(
    run: Path, generator: Any, rows: np.ndarray, latents: np.ndarray, chunk: int = 512
) -> np.ndarray:
    """Descriptors of the store rows `rows` (their z `latents`), read from RUN's cache where it
    holds them; the others are computed `chunk` faces at a time, each chunk added to the cache
    as it is done (a killed run resumes where it stopped)."""
    from ohlora.progress import progress_bar

    path = Path(run) / CACHE
    known: dict[int, np.ndarray] = {}
    if path.is_file():
        try:
            with np.load(path, allow_pickle=False) as f:
                if f["generator"].item() == generator.name:
                    known = dict(zip(f["rows"].tolist(), f["descriptors"], strict=True))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            raise OhloraError(
                f"{path} is damaged: delete it (its face descriptors are made again)"
            ) from None
    todo = [i for i, r in enumerate(rows.tolist()) if r not in known]
    if todo:
        with progress_bar(transient=True) as bar, DescribeTools() as tools:
            task = bar.add_task("face descriptors (identity condition)", total=len(todo))
            for lo in range(0, len(todo), chunk):
                part = todo[lo : lo + chunk]
                found = describe_faces(
                    generator, latents[part], lambda k: bar.advance(task, k), tools=tools
                )
                known.update(zip(rows[part].tolist(), found, strict=True))
                _write_cache(path, known, generator.name)
    return np.stack([known[r] for r in rows.tolist()]).astype(np.float32)


def _write_cache(path: Path, known: dict[int, np.ndarray], generator: str) -> None:
    import io

    from ohlora.runinfo import atomic_write_bytes

    buf = io.BytesIO()
    keys = sorted(known)
    np.savez(
        buf,
        rows=np.array(keys, np.int64),
        descriptors=np.stack([known[k] for k in keys]),
        generator=np.array(generator),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, buf.getvalue())


def identity_condition(
    metric: np.ndarray,
    strength: float,
    names: Sequence[str],
    record: dict[str, Any],
    responses: dict[str, np.ndarray] | None = None,
) -> Callable[[str, np.ndarray], np.ndarray]:
    """A `find_directions` condition: the directions of `names` held off the person (with
    `responses` {property: (D,) linear response}, keeping their cross-talk as found). The
    first call per name (the pooled set's) records the direction's identity loading before
    and after in `record["loading"]`."""
    held = set(names)
    loading = record.setdefault("loading", {})
    order = list(responses or {})
    rows = np.stack([responses[q] for q in order]) if responses else None

    def condition(name: str, normal: np.ndarray) -> np.ndarray:
        if name not in held:
            return normal
        if rows is not None and name in order:
            v = hold_identity(normal, metric, strength, rows, order.index(name))
        else:
            v = hold_identity(normal, metric, strength)
        loading.setdefault(
            name,
            [round(identity_loading(normal, metric), 4), round(identity_loading(v, metric), 4)],
        )
        return v

    return condition
