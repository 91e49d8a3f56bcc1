"""The studio's engine, without the web page: pick a face, render it at slider targets, refine,
save, list the filtered faces and render clips.

Live slider rendering is an open-loop edit: the picked face is measured once (mesh scorer, in
this process) and cached, so each slider tick costs one generator pass. The closed loop
(`refine`) measures the edited face again and again and is offered as an explicit action.
Every input from the page or the HTTP API is validated here, and every user error is an
`OhloraError` with a one-line message that the page shows.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ohlora.editing.editor import Editor
from ohlora.errors import OhloraError
from ohlora.generators.seeds import SEED_MAX, SEED_RANGE

PROPERTIES = ("eyes", "mouth", "pose")
TARGET_RANGE = (-3.0, 3.0)
FACE_CACHE = 256
IMAGE_CACHE = 1024


def parse_seed(value: Any) -> int:
    """A face seed from page or API input: a whole number 0..2^63-1, else a clear error."""
    text = str(value).strip() if value is not None else ""
    if not text:
        raise OhloraError(f"no seed given: type a whole number {SEED_RANGE}, or press Random")
    try:
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError
            seed = int(value)
        else:
            seed = int(text)
    except (ValueError, OverflowError):
        raise OhloraError(
            f"seed {text[:40]!r} is not a whole number: give {SEED_RANGE} (e.g. 7)"
        ) from None
    if not 0 <= seed <= SEED_MAX:
        raise OhloraError(f"seed {seed} is out of range: give {SEED_RANGE} (e.g. 7)")
    return seed


def parse_target(name: str, value: Any) -> float:
    """A slider target in normalised units, finite and within TARGET_RANGE."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise OhloraError(f"{name} {str(value)[:40]!r} is not a number: give -3..3") from None
    lo, hi = TARGET_RANGE
    if not (math.isfinite(v) and lo <= v <= hi):
        raise OhloraError(f"{name} {v} is out of range: give {lo:g}..{hi:g}")
    return v


@dataclass(frozen=True)
class Face:
    """A picked face: its latent (1, ...), the base measurement (1, P) and its own values."""

    seed: int
    latent: np.ndarray
    base_measured: np.ndarray | None
    own: dict[str, float]
    found: bool


class FaceRenderer:
    """Renders faces of one run; safe to call from the web server's worker threads."""

    def __init__(
        self,
        run: Path,
        directions: Path | None = None,
        filter_expr: str | None = None,
        out: Path | None = None,
        opener: Callable[[], Editor] | None = None,
    ) -> None:
        self.run = Path(run)
        self.directions = directions
        self.opener = opener
        self.filter_expr = filter_expr
        self.out = Path(out) if out is not None else self.run / "studio"
        self._editor: Editor | None = None
        self._open_lock = threading.Lock()
        self._meter_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._faces: OrderedDict[int, Face] = OrderedDict()
        self._images: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._save_lock = threading.Lock()

    # -- opening -----------------------------------------------------------------------------
    def editor(self) -> Editor:
        """The open-loop editor, opened on first use (and retried on each call until it opens:
        a run that gets its directions while the studio runs works without a restart);
        `opener`, where given, opens another editor-shaped object instead (the studio command
        passes a fine-tuned generator's `FineTuneEditor` this way)."""
        with self._open_lock:
            if self._editor is None:
                if not self.run.is_dir():
                    raise OhloraError(f"run folder {self.run} does not exist: check --run")
                if self.opener is not None:  # e.g. a fine-tuned generator, opened by the command
                    self._editor = self.opener()
                    return self._editor
                from ohlora.editing.params import EditParams
                from ohlora.editing.run_editor import open_editor

                # no mirror: a slider moving across it would flip the face
                params = EditParams(
                    directions=self.directions, refine=0, workers=0, mirror_turn=0.0
                )
                self._editor = open_editor(self.run, params)
            return self._editor

    def close(self) -> None:
        with self._open_lock:
            if self._editor is not None:
                with self._meter_lock:
                    self._editor.close()
            self._editor = None

    # -- faces -------------------------------------------------------------------------------
    def face(self, seed: int) -> Face:
        """The face of `seed`, measured once and cached."""
        with self._cache_lock:
            if seed in self._faces:
                self._faces.move_to_end(seed)
                return self._faces[seed]
        ed = self.editor()
        latent = ed.base_latents(np.array([seed], dtype=np.int64))
        with self._meter_lock:
            base = ed.measure_base(latent)
        found = base is not None and bool(np.isfinite(base[0, : len(PROPERTIES)]).all())
        current = ed.current(latent, base)
        own = {p: float(current[0, ed.properties.index(p)]) for p in PROPERTIES}
        face = Face(seed, latent, base, own, found)
        with self._cache_lock:
            self._faces[seed] = face
            while len(self._faces) > FACE_CACHE:
                self._faces.popitem(last=False)
        return face

    def render(self, seed: Any, eyes: Any, mouth: Any, pose: Any) -> np.ndarray:
        """uint8 H x W x 3 image of face `seed` edited open loop to the targets."""
        s = parse_seed(seed)
        targets = {
            p: parse_target(p, v) for p, v in zip(PROPERTIES, (eyes, mouth, pose), strict=True)
        }
        key = (s, *(round(targets[p], 4) for p in PROPERTIES))
        with self._cache_lock:
            if key in self._images:
                self._images.move_to_end(key)
                return self._images[key]
        face = self.face(s)
        ed = self.editor()
        res = ed.edit(
            face.latent,
            {p: np.array([t]) for p, t in targets.items() if p in ed.d.steered},
            base_measured=face.base_measured,
        )
        image = res.images[0]
        with self._cache_lock:
            self._images[key] = image
            while len(self._images) > IMAGE_CACHE:
                self._images.popitem(last=False)
        return image

    def refine(
        self, seed: Any, eyes: Any, mouth: Any, pose: Any, rounds: int = 2
    ) -> tuple[np.ndarray, dict[str, float]]:
        """Closed-loop edit (`rounds` measured corrections): the image and its measurement."""
        s = parse_seed(seed)
        targets = {
            p: parse_target(p, v) for p, v in zip(PROPERTIES, (eyes, mouth, pose), strict=True)
        }
        face = self.face(s)
        ed = self.editor()
        if ed.meter is None:
            raise OhloraError(
                "a fine-tuned generator draws the asked values itself and has no closed loop: "
                "use the sliders (or start the studio without --finetune)"
            )
        closed = Editor(ed.g, ed.d, meter=ed.meter, refine=rounds, method=ed.method, local=ed.local)
        with self._meter_lock:
            res = closed.edit(
                face.latent,
                {p: np.array([t]) for p, t in targets.items() if p in ed.d.steered},
                base_measured=face.base_measured,
            )
        measured = {}
        if res.measured is not None:
            measured = {p: float(res.measured[0, ed.properties.index(p)]) for p in PROPERTIES}
        return res.images[0], measured

    def measure(self, image: np.ndarray) -> dict[str, float]:
        """Normalised eyes / mouth / pose of one image (NaN where no face is found)."""
        ed = self.editor()
        if ed.meter is None:
            raise OhloraError(
                "a fine-tuned generator has no meter: start the studio without --finetune to "
                "measure faces"
            )
        with self._meter_lock:
            m = ed.meter.measure(image[None])
        return {p: float(m[0, ed.meter.properties.index(p)]) for p in PROPERTIES}

    # -- the filtered faces ------------------------------------------------------------------
    def filtered_seeds(self, limit: int) -> tuple[list[int], int, int]:
        """Seeds of the first `limit` store rows passing the filter, the number passing, and
        the number of rows."""
        from ohlora.properties.columns import resolve
        from ohlora.store.filter import filter_mask
        from ohlora.store.samples import load_samples

        samples = load_samples(self.run)
        algorithm = self.editor().d.algorithm
        mask = filter_mask(samples, self.filter_expr, resolve(algorithm))
        seeds = [int(s) for s in samples.seed[mask][:limit]]
        return seeds, int(mask.sum()), len(samples)

    def thumbnails(self, seeds: list[int]) -> np.ndarray:
        """Unedited faces of `seeds` (uint8 N x H x W x 3)."""
        ed = self.editor()
        if not seeds:
            return np.zeros((0, 1, 1, 3), np.uint8)
        latents = ed.base_latents(np.array(seeds, dtype=np.int64))
        return ed.g.synthesize(latents, ed.d.space)

    # -- saving and clips --------------------------------------------------------------------
    def save(self, seed: Any, eyes: Any, mouth: Any, pose: Any) -> Path:
        """Write the face at these targets (PNG at the generator's resolution) and a JSON of
        its settings to the output folder; returns the PNG path."""
        from ohlora.editing.batch import save_image
        from ohlora.runinfo import atomic_write_json, provenance

        s = parse_seed(seed)
        image = self.render(s, eyes, mouth, pose)
        targets = {
            p: parse_target(p, v) for p, v in zip(PROPERTIES, (eyes, mouth, pose), strict=True)
        }
        face = self.face(s)
        with self._save_lock:
            self.out.mkdir(parents=True, exist_ok=True)
            k = 1
            while (self.out / f"face-{s}-{k:03d}.png").exists():
                k += 1
            png = self.out / f"face-{s}-{k:03d}.png"
            save_image(image, png)
        ed = self.editor()
        atomic_write_json(
            png.with_suffix(".json"),
            {
                "seed": s,
                "targets": targets,
                "own": face.own,
                "face_found": face.found,
                "edit": "open loop (base face measured once, mesh scorer)",
                "units": "normalised (0 = population mean, 1 = one standard deviation)",
                "run": str(self.run.resolve()),
                "generator": ed.d.generator,
                "space": ed.d.space,
                "image": png.name,
                "provenance": provenance(),
            },
        )
        return png

    def clip(
        self,
        seed: Any,
        clip: str,
        seconds: Any,
        fps: Any,
        rest: dict[str, Any],
        size: int = 192,
    ) -> Path:
        """Render a clip of face `seed` around the rest targets and write it as a GIF."""
        from ohlora.studio.animation import animate, write_clip
        from ohlora.studio.clips import CLIPS

        s = parse_seed(seed)
        if clip not in CLIPS:
            raise OhloraError(f"unknown clip {clip!r}: use one of {', '.join(CLIPS)}")
        secs = _bounded("seconds", seconds, 0.5, 10)
        rate = _bounded("fps", fps, 2, 20)
        rest_t = {p: parse_target(p, rest[p]) for p in PROPERTIES}
        face = self.face(s)
        result = animate(
            self.editor(), face.latent, face.base_measured, clip, secs, rate, s, rest=rest_t
        )
        at = "".join(f"{p[0]}{v:+.2f}" for p, v in rest_t.items())
        name = f"{clip}-{s}-{at}-{secs:g}s-{rate:g}fps.gif"
        return write_clip(result.frames, self.out / "clips" / name, rate, size)


def _bounded(name: str, value: Any, lo: float, hi: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise OhloraError(
            f"{name} {str(value)[:40]!r} is not a number: give {lo:g}..{hi:g}"
        ) from None
    if not (math.isfinite(v) and lo <= v <= hi):
        raise OhloraError(f"{name} {v} is out of range: give {lo:g}..{hi:g}")
    return v
