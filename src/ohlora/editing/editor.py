"""Move latents so that asked properties reach their targets and the others stay put.

A target is absolute, in normalised units (0: population mean, 1: one standard deviation).
The step is a combination `a` of the group's unit directions V chosen by weighted least
squares on the response model: (B V^T) a ≈ target - current for asked properties and ≈ 0 for
unasked steered and kept ones. `current` is measured on the base face (model prediction where
no face is found).

Two guards keep edits inside the generator's domain: each step is bounded (`max_step`), and
the latent's coordinate along each direction is kept within `clamp` population standard
deviations of the training samples (a face pushed far outside them stops looking like a face
long before the property saturates). With `refine > 0` the edit is closed-loop: the edited face
is measured again and the remaining error corrected along the same directions (scaled by
`damping`); a correction is kept only where it lowers the face's weighted error.

`max_change` limits how far a property may move from the base face's own value (the asked
target is clipped to base +- limit): on the embedded DCGAN a turn of more than about one
standard deviation changes the person, so a virtual human may prefer a smaller turn.
`soft_change` eases the move off instead of cutting it: the target becomes base + s *
tanh((asked - base) / s), as asked for small moves, at most s for large ones, and still
ordered as the asks are (a face asked to turn further turns further).

`mirror_turn` draws a far turn to the other side of the face's own pose as the mirror image
of the face turned the shorter way (the asked pose's mirror image), where that saves at
least `mirror_turn` standard deviations of turning: a face and its mirror image are the same
person to face recognition, a far turn of the embedded DCGAN is another one
(docs/keeping-the-person.md). Only where the face's mirror image confirms the side its pose
is read on: a misread pose would send the far ask the wrong way. The whole picture is
mirrored, so it is for still images only: a clip or a slider crossing the face's own side
would flip it between two frames.

`method="local"` renders every edit region by region (`ohlora.editing.local`): the eyes and
mouth steps show only inside soft masks of those regions, the global part of the step (pose,
and the directions that hold the unasked properties) everywhere on the person, and the
background stays the base face's; each region shows the posed latent plus its own step alone
(`LocalRenderer.region_steps`). Its steps are solved in two stages (`_solve_local`), with
each local direction's response calibrated on the blended faces (`local_gains`); the closed
loop measures the blended faces.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ohlora.editing.gain_cache import gains_key, load_gains, store_gains
from ohlora.editing.local import LocalRenderer
from ohlora.editing.params import (
    DEFAULT_CARRY,
    DEFAULT_CARRY_RES,
    DEFAULT_REGION_CARRY,
    DEFAULT_TURN_CARRY,
)
from ohlora.errors import OhloraError
from ohlora.generators.base import Generator
from ohlora.properties.columns import MIRROR_ODD
from ohlora.scorers.meter import PropertyMeter
from ohlora.vectorfind.directions import Directions, DirectionSet

LAMBDA = 1e-3
METHODS = ("local", "calibrated", "seed")
LOCAL_REGIONS = {"eyes": "eyes", "mouth": "mouth"}  # property -> the face region it edits
GAIN_FACES = 16  # faces that calibrate a local direction's response (seeds from GAIN_SEED)
GAIN_SEED = 4_000_000_000
GAIN_STEP = 2.0  # the calibration step along each local direction (latent units)


@dataclass
class EditResult:
    """Edited latents (in the directions' space), images, steps and measurements; `mirrored`
    (N,) marks the images drawn as the mirror image of their latent's face."""

    latents: np.ndarray
    images: np.ndarray
    steps: np.ndarray
    groups: np.ndarray
    base_measured: np.ndarray | None
    measured: np.ndarray | None
    mirrored: np.ndarray | None = None


class Editor:
    """Edits faces of one generator with one `Directions`."""

    def __init__(
        self,
        generator: Generator,
        directions: Directions,
        meter: PropertyMeter | None = None,
        refine: int = 2,
        max_step: float = 8.0,
        keep_weight: float = 1.0,
        clamp: float | None = 3.0,
        damping: float = 0.5,
        method: str = "calibrated",
        local: LocalRenderer | None = None,
        max_change: dict[str, float] | None = None,
        soft_change: dict[str, float] | None = None,
        mirror_turn: float = 0.0,
    ) -> None:
        if directions.generator != generator.name:
            raise OhloraError(
                f"directions were found for {directions.generator}, "
                f"not {generator.name}: use --generator {directions.generator}"
            )
        self.g = generator
        self.d = directions
        self.meter = meter
        self.refine = refine if meter is not None else 0
        self.max_step = max_step
        self.keep_weight = keep_weight
        self.clamp = clamp
        self.damping = damping
        if method not in METHODS:
            raise OhloraError(f"unknown edit method {method!r}: use {', '.join(METHODS)}")
        self.method = method
        if method == "local" and local is None:
            if directions.space != "z":
                raise OhloraError(
                    f"region-local edits need z-space directions, these are in "
                    f"{directions.space}: use --method calibrated"
                )
            local = LocalRenderer(
                generator,  # type: ignore[arg-type]
                carry=DEFAULT_CARRY,
                region_carry=DEFAULT_REGION_CARRY,
                carry_res=DEFAULT_CARRY_RES,
                turn_carry=DEFAULT_TURN_CARRY,
            )
        self.local = local if method == "local" else None
        self.max_change = dict(max_change or {})
        self.soft_change = dict(soft_change or {})
        self.mirror_turn = float(mirror_turn)
        for option, limits in (("--max-turn", self.max_change), ("--soft-turn", self.soft_change)):
            if limits and method == "seed":
                raise OhloraError(
                    "the original's rule (--method seed) adds the asked value as it is: "
                    f"drop {option} or use --method auto"
                )
            for p, lim in limits.items():
                if p not in directions.steered or not lim > 0:
                    raise OhloraError(
                        f"cannot limit {p!r} to {lim}: give a positive limit for one of "
                        f"{', '.join(directions.steered)}"
                    )
        self._gains: dict[str, float] | None = None
        self.properties = list(next(iter(directions.sets.values())).response_properties)
        names = [*directions.steered, *directions.kept]
        self._core = [self.properties.index(p) for p in names]

    def close(self) -> None:
        """Release the meter's scorer (its worker processes) and the local renderer's analyser."""
        if self.meter is not None:
            self.meter.close()
        if self.local is not None:
            self.local.close()

    # -- latents ---------------------------------------------------------------------------
    def base_latents(self, seeds: np.ndarray) -> np.ndarray:
        """Latents of seeds in the directions' space (z mapped when the space is w / w+)."""
        z = self.g.latents_for_seeds([int(s) for s in seeds])
        return z if self.d.space == "z" else self.g.to_space(z, self.d.space)

    def _flat(self, latents: np.ndarray) -> np.ndarray:
        """Latents in the directions' own coordinates (w+ seen through its first edited layer)."""
        if self.d.space == "w+":
            layers = self.d.layers or [0]
            return latents[:, layers[0], :]
        return latents.reshape(len(latents), -1)

    def _offset(self, steps: np.ndarray, groups: np.ndarray) -> np.ndarray:
        """Latent offsets of per-face steps along their own group's directions.

        `steps` is (N, M_max); a group with fewer directions uses its first columns.
        """
        n = len(steps)
        dim = next(iter(self.d.sets.values())).vectors.shape[1]
        off = np.zeros((n, dim), np.float32)
        for g in np.unique(groups):
            sel = groups == g
            vec = self.d.sets[str(g)].vectors
            off[sel] = steps[sel, : len(vec)] @ vec
        if self.d.space == "w+":
            layers = self.d.layers or list(range(self.d.latent_shape[0]))
            full = np.zeros((n, *self.d.latent_shape), np.float32)
            full[:, layers, :] = off[:, None, :]
            return full
        return off.reshape(n, *self.d.latent_shape)

    # -- solving ---------------------------------------------------------------------------
    def _solve(self, s: DirectionSet, delta: np.ndarray, asked: np.ndarray) -> np.ndarray:
        """Least-squares steps for wanted changes `delta` (N, P) of the response properties.

        Rows of the system are the group's direction names (steered + kept); asked ones weigh 1,
        the others `keep_weight`. NaN deltas (unmeasurable) weigh 0.
        """
        rows = [self.properties.index(nm) for nm in s.names]
        a = s.slopes()[rows]  # (M, M): change of each named property per unit step
        d = delta[:, rows]
        w = np.where(asked[:, rows], 1.0, self.keep_weight) * np.isfinite(d)
        d = np.nan_to_num(d)
        out = np.zeros((len(d), a.shape[1]), np.float32)
        for i in range(len(d)):
            out[i] = _weighted_solve(a, w[i], d[i])
        return out

    def _solve_local(self, s: DirectionSet, delta: np.ndarray, asked: np.ndarray) -> np.ndarray:
        """Steps for a region-local edit, solved in two stages.

        A local step shows only inside its region, so its side effects elsewhere (the eyes
        direction's pull on the pose, say) never reach the face and must not be corrected by
        the global directions. First the global directions (pose, kept ones) are solved for
        the global properties alone; then the asked local directions for the asked local
        properties, net of the global step's side effects inside the regions (those do show
        there). Unasked local directions take no step: their regions are not blended.
        """
        rows = [self.properties.index(nm) for nm in s.names]
        gains = self.local_gains()
        a = s.slopes()[rows] * np.array([gains.get(nm, 1.0) for nm in s.names])[None, :]
        d = delta[:, rows]
        ask = asked[:, rows]
        w = np.where(ask, 1.0, self.keep_weight) * np.isfinite(d)
        d = np.nan_to_num(d)
        is_local = np.array([nm in LOCAL_REGIONS for nm in s.names])
        glob = np.flatnonzero(~is_local)
        out = np.zeros((len(d), len(s.names)), np.float32)
        for i in range(len(d)):
            if len(glob):
                out[i, glob] = _weighted_solve(a[np.ix_(glob, glob)], w[i, glob], d[i, glob])
            loc = np.flatnonzero(is_local & ask[i] & (w[i] > 0))
            if len(loc):
                side = a[np.ix_(loc, glob)] @ out[i, glob] if len(glob) else 0.0
                out[i, loc] = _weighted_solve(a[np.ix_(loc, loc)], w[i, loc], d[i, loc] - side)
        return out

    def local_gains(self) -> dict[str, float]:
        """How much of its global response each local direction keeps when it shows only in
        its region (measured once, on `GAIN_FACES` faces, with the editor's meter; 1 without a
        meter). A local step misses what the global one changes outside the region (the jaw
        below an opening mouth), so without this the open loop falls short of its targets.
        Kept on disk (`ohlora.editing.gain_cache`): the next editor over the same generator,
        directions, renderer and meter reads them instead of calibrating again."""
        if self._gains is not None:
            return self._gains
        if self.meter is None or self.local is None:
            self._gains = {}
            return self._gains
        s = self.d.sets["all"]
        local = [(j, nm) for j, nm in enumerate(s.names) if nm in LOCAL_REGIONS]
        if not local:
            self._gains = {}
            return self._gains
        z = self.g.latents_for_seeds(range(GAIN_SEED, GAIN_SEED + GAIN_FACES))
        key = gains_key(
            self.g,
            self.d,
            self.local,
            self.meter,
            {"faces": GAIN_FACES, "seed": GAIN_SEED, "step": GAIN_STEP},
            self._gain_fingerprint(z[:1], *local[0]),
        )
        cached = load_gains(key)
        if cached is not None:
            self._gains = cached
            return cached
        self._gains = {}
        slopes = s.slopes()
        for j, name in local:
            up, down = self._blended_steps(z, j, name, (GAIN_STEP, -GAIN_STEP))
            q = self.properties.index(name)
            m = self.meter.measure(np.concatenate([up, down]))[:, q]
            change = (m[:GAIN_FACES] - m[GAIN_FACES:]) / (2 * GAIN_STEP)
            own = slopes[q, j]
            if np.isfinite(change).sum() >= GAIN_FACES // 2 and abs(own) > 1e-6:
                self._gains[name] = float(np.clip(np.nanmedian(change) / own, 0.2, 1.5))
        store_gains(key, self._gains)
        return self._gains

    def _blended_steps(
        self, z: np.ndarray, j: int, name: str, sizes: tuple[float, ...]
    ) -> list[np.ndarray]:
        """Faces `z` with a step of each size along local direction `j`, shown only in its
        region (the masks found once for all sizes)."""
        assert self.local is not None
        masks = self.local.masks(z, z, [(LOCAL_REGIONS[name],)] * len(z))
        unit = self.d.sets["all"].vectors[j][None, :].astype(np.float32)
        return [self.local.render(z, z, z + size * unit, masks) for size in sizes]

    def _gain_fingerprint(self, z: np.ndarray, j: int, name: str) -> tuple[np.ndarray, np.ndarray]:
        """What the gains' cache key hashes besides settings: one face, plain and with a
        blended step, and the meter's reading of both (the code and weights behind them)."""
        assert self.meter is not None
        images = np.concatenate(
            [self.g.synthesize(z), *self._blended_steps(z, j, name, (GAIN_STEP,))]
        )
        return images, self.meter.measure(images)

    def _bound(self, steps: np.ndarray, groups: np.ndarray, base_flat: np.ndarray) -> None:
        """Clip steps in place: |step| <= max_step, and the coordinate along each direction
        stays within `clamp` population std of its mean (never pushed further outside)."""
        np.clip(steps, -self.max_step, self.max_step, out=steps)
        if self.clamp is None:
            return
        for g in np.unique(groups):
            sel = groups == g
            s = self.d.sets[str(g)]
            for j, name in enumerate(s.names):
                st = s.stats.get(name, {})
                if "proj_mean" not in st:
                    continue
                t0 = base_flat[sel] @ s.vectors[j]
                lo = st["proj_mean"] - self.clamp * st["proj_std"] - t0
                hi = st["proj_mean"] + self.clamp * st["proj_std"] - t0
                steps[sel, j] = np.clip(steps[sel, j], np.minimum(lo, 0), np.maximum(hi, 0))

    def _groups(self, current: np.ndarray) -> np.ndarray:
        if not self.d.group_by:
            return np.array(["all"] * len(current))
        scores = {p: current[:, self.properties.index(p)] for p in self.d.group_by}
        groups = self.d.group_of(scores)
        unknown = np.any([~np.isfinite(v) for v in scores.values()], axis=0)
        groups[unknown] = "all"
        return groups

    def _error(self, measured: np.ndarray, desired: np.ndarray, asked: np.ndarray) -> np.ndarray:
        """Weighted squared error per face over the steered and kept properties."""
        w = np.where(asked, 1.0, self.keep_weight)[:, self._core]
        e = (measured - desired)[:, self._core]
        return np.where(np.isfinite(e), w * e**2, np.inf).sum(1)

    # -- editing ---------------------------------------------------------------------------
    def measure_base(self, latents: np.ndarray) -> np.ndarray | None:
        """Measure base faces (each distinct latent once: plans often repeat a face)."""
        return None if self.meter is None else self._measure_distinct(latents)

    def _measure_distinct(self, latents: np.ndarray, mirrored: bool = False) -> np.ndarray:
        """The meter's readings (N, P) of the unedited faces of `latents`, or of their mirror
        images, each distinct latent rendered and measured once."""
        assert self.meter is not None
        flat = latents.reshape(len(latents), -1)
        uniq, inverse = np.unique(flat, axis=0, return_inverse=True)
        images = self.g.synthesize(uniq.reshape(-1, *latents.shape[1:]), self.d.space)
        if mirrored:
            images = np.ascontiguousarray(images[:, :, ::-1])
        return self.meter.measure(images)[inverse.ravel()]

    def current(self, latents: np.ndarray, base_measured: np.ndarray | None) -> np.ndarray:
        """Where each face stands (N, P): its measured properties where `base_measured` is
        finite, the response model's prediction elsewhere (no face found, or not measured)."""
        current = self.d.sets["all"].predict(self._flat(latents)).astype(np.float32)
        if base_measured is not None:
            ok = np.isfinite(base_measured)
            current[ok] = base_measured[ok]
        return current

    def edit(
        self,
        latents: np.ndarray,
        targets: dict[str, np.ndarray],
        base_measured: np.ndarray | None = None,
        mirror: bool = True,
    ) -> EditResult:
        """Edit `latents` (N, *latent_shape) towards `targets` {property: (N,) normalised,
        NaN = not asked}; returns the edited latents and their images. `mirror` False draws
        nothing as a mirror image whatever `mirror_turn` says: a sweep or a clip, whose
        frames must not flip from one to the next."""
        n = len(latents)
        assert latents.shape[1:] == tuple(self.d.latent_shape), latents.shape
        for p, t in targets.items():
            assert t.shape == (n,), (p, t.shape)
            if p not in self.d.steered:
                raise OhloraError(
                    f"no direction for {p!r}: these directions steer {', '.join(self.d.steered)}"
                )
        if self.method == "seed":
            return self._edit_as_seed(latents, targets)
        base_flat = self._flat(latents)
        if base_measured is None:
            base_measured = self.measure_base(latents)
        current = self.current(latents, base_measured)
        groups = self._groups(current)

        desired = current.copy()
        asked = np.zeros_like(current, bool)
        for p, t in targets.items():
            j = self.properties.index(p)
            has = np.isfinite(t)
            desired[has, j] = t[has]
            asked[has, j] = True
        flip = self._mirrored(latents, current, desired, asked) if mirror else np.zeros(n, bool)
        desired[flip] = self._mirror_values(desired[flip])
        for p, soft in self.soft_change.items():
            j = self.properties.index(p)
            desired[:, j] = current[:, j] + soft * np.tanh((desired[:, j] - current[:, j]) / soft)
        for p, lim in self.max_change.items():
            j = self.properties.index(p)
            desired[:, j] = np.clip(desired[:, j], current[:, j] - lim, current[:, j] + lim)

        width = max(len(self.d.sets[str(g)].names) for g in np.unique(groups))
        steps = np.zeros((n, width), np.float32)
        self._add_steps(steps, groups, desired - current, asked, np.ones(n, bool), base_flat)
        masks = self._local_masks(latents, steps, groups, targets)
        edited, images = self._render(latents, steps, groups, masks)
        measured = self.meter.measure(images) if self.refine and self.meter else None
        for _ in range(self.refine):
            assert measured is not None and self.meter is not None
            visible = np.isfinite(measured[:, self._core]).all(1)
            if not visible.any():
                break
            cand_steps = steps.copy()
            err = (desired - measured) * self.damping
            self._add_steps(cand_steps, groups, err, asked, visible, base_flat)
            cand, cand_images = self._render(latents, cand_steps, groups, masks)
            cand_measured = self.meter.measure(cand_images)
            better = self._error(cand_measured, desired, asked) < self._error(
                measured, desired, asked
            )
            steps[better], edited[better] = cand_steps[better], cand[better]
            images[better], measured[better] = cand_images[better], cand_measured[better]
        if flip.any():
            images[flip] = images[flip][:, :, ::-1]  # the whole picture, as a mirror shows it
            if measured is not None and self.meter is not None:
                measured[flip] = self.meter.measure(images[flip])  # what the picture shows
        return EditResult(edited, images, steps, groups, base_measured, measured, flip)

    def _mirror_values(self, values: np.ndarray) -> np.ndarray:
        """Normalised properties (N, P) as the mirror image of such a face reads: through the
        meter's own scale where there is a meter, else the mirror-odd ones negated."""
        if self.meter is not None and list(self.meter.properties) == self.properties:
            return self.meter.mirrored(values)
        sign = np.array([-1.0 if p in MIRROR_ODD else 1.0 for p in self.properties], np.float32)
        return values * sign

    def _mirrored(
        self, latents: np.ndarray, current: np.ndarray, desired: np.ndarray, asked: np.ndarray
    ) -> np.ndarray:
        """Rows whose asked turn is drawn as the mirror image of a face turned the other way:
        those where that saves at least `mirror_turn` sd of turning (a face looking left asked
        to look far right turns a little less left, and is shown mirrored), and whose pose
        reading the mirror confirms (`_mirror_confirms`)."""
        flip = np.zeros(len(current), bool)
        if self.mirror_turn <= 0 or "pose" not in self.properties:
            return flip
        j = self.properties.index("pose")
        c, t = current[:, j], desired[:, j]
        saved = np.abs(t - c) - np.abs(self._mirror_values(desired)[:, j] - c)
        flip = asked[:, j] & np.isfinite(saved) & (saved >= self.mirror_turn)
        if flip.any():  # only the faces a far ask would mirror are read in a mirror
            flip[flip] = self._mirror_confirms(latents[flip], current[flip])
        return flip

    def _mirror_confirms(self, latents: np.ndarray, current: np.ndarray) -> np.ndarray:
        """(N,) whether the meter's reading of each unedited face's mirror image, seen back
        through the mirror, lies on the same side of frontal as the pose the face stands at.
        The mirror trusts that pose: a reading the mirror does not reverse (a face half in
        shadow read as turned the wrong way, or one whose mirror image shows no face) would
        send every far ask the wrong way. Without a meter the pose is the latent's prediction,
        which nothing doubts."""
        if self.meter is None:
            return np.ones(len(latents), bool)
        j = self.properties.index("pose")
        seen = self._measure_distinct(latents, mirrored=True)
        back = self._mirror_values(seen)[:, j]  # the mirror's reading, mirrored back
        frontal = self._mirror_values(np.zeros((1, len(self.properties)), np.float32))[0, j] / 2
        return (back - frontal) * (current[:, j] - frontal) > 0  # NaN (no face found): False

    def _global_steps(
        self, steps: np.ndarray, groups: np.ndarray, but: str | None = None
    ) -> np.ndarray:
        """The steps without their region-local columns (the eyes and mouth directions), all
        of them or all `but` the one whose region is named."""
        out = steps.copy()
        for g in np.unique(groups):
            names = self.d.sets[str(g)].names
            cols = [
                j for j, nm in enumerate(names) if nm in LOCAL_REGIONS and LOCAL_REGIONS[nm] != but
            ]
            out[np.ix_(groups == g, cols)] = 0.0
        return out

    def _local_masks(
        self,
        latents: np.ndarray,
        steps: np.ndarray,
        groups: np.ndarray,
        targets: dict[str, np.ndarray],
    ) -> Any:
        """The blend masks of a local edit, from its first posed faces (None otherwise). The
        closed loop keeps them: its corrections move the pose by a small fraction."""
        if self.local is None:
            return None
        n = len(latents)
        regions = [
            tuple(
                LOCAL_REGIONS[p]
                for p, t in targets.items()
                if p in LOCAL_REGIONS and np.isfinite(t[i])
            )
            for i in range(n)
        ]
        posed = latents + self._offset(self._global_steps(steps, groups), groups)
        masks = self.local.masks(latents, posed, regions)
        if masks.carry is not None:
            masks.carry.freeze = True  # like the masks, the flows of the first render
        return masks

    def _render(
        self, latents: np.ndarray, steps: np.ndarray, groups: np.ndarray, masks: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        """Edited latents and their images (blended region by region for a local edit)."""
        edited = latents + self._offset(steps, groups)
        if self.local is None:
            return edited, self.g.synthesize(edited, self.d.space)
        posed = latents + self._offset(self._global_steps(steps, groups), groups)
        parts = None
        if self.local.region_steps == "own":
            parts = {
                region: latents + self._offset(self._global_steps(steps, groups, region), groups)
                for region in masks.parts
            }
        return edited, self.local.render(latents, posed, edited, masks, parts)

    def _edit_as_seed(self, latents: np.ndarray, targets: dict[str, np.ndarray]) -> EditResult:
        """The original's rule (VectorFind-v7 test): add each asked value times the unit
        direction to the base latent; no measurement, calibration, clamp or closed loop."""
        groups = self._groups(self.d.sets["all"].predict(self._flat(latents)))
        if self.d.group_by and self.meter is not None:
            groups = self._groups(self.measure_base(latents))
        names = self.d.sets["all"].names
        steps = np.zeros((len(latents), len(names)), np.float32)
        for p, t in targets.items():
            steps[:, names.index(p)] = np.nan_to_num(t)
        edited = latents + self._offset(steps, groups)
        images = self.g.synthesize(edited, self.d.space)
        return EditResult(edited, images, steps, groups, None, None)

    def _add_steps(
        self,
        steps: np.ndarray,
        groups: np.ndarray,
        delta: np.ndarray,
        asked: np.ndarray,
        rows: np.ndarray,
        base_flat: np.ndarray,
    ) -> None:
        """Add, in place, the least-squares steps that correct `delta` for the chosen rows."""
        for g in np.unique(groups):
            sel = (groups == g) & rows
            if sel.any():
                s = self.d.sets[str(g)]
                solve = self._solve_local if self.local is not None else self._solve
                steps[sel, : len(s.names)] += solve(s, delta[sel], asked[sel])
        self._bound(steps, groups, base_flat)


def _weighted_solve(a: np.ndarray, w: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Ridge-regularised weighted least squares: argmin_x sum_r w_r (a_r . x - d_r)^2."""
    aw = a * w[:, None]
    return np.linalg.solve(a.T @ aw + LAMBDA * np.eye(a.shape[1]), aw.T @ d)
