"""Region-local rendering of an edit: the face is the base face outside the regions asked for.

An edit moves the latent globally, and a global move changes the whole face: the skin, the
light, the hair, the person. Here three latents are rendered side by side up to one
intermediate feature map (res x res, 16 by default, as in "Editing in Style", Collins et al.
2020, which blends generator features inside part masks):

* base: the unedited face;
* posed: the base plus the edit's global part (pose and the directions that hold the unasked
  properties), everything but the eyes and mouth steps;
* full: the whole edit.

The features are blended, then the rest of the generator finishes the image:
`h = lerp(lerp(base, posed, person), full, regions)`, where `regions` is the soft mask of the
eyes and / or mouth (only those asked) found by mediapipe on the posed face, and `person` is
the union of the base and posed faces' person masks. With `region_steps="own"` (the default)
each region shows a latent of its own instead of `full`: the posed latent plus that region's
step alone (`parts`), blended inside that region's mask, so the eyes are not drawn from a
latent moved along the mouth's direction too, nor the mouth from one moved along the eyes'
(every step in the latent moves the whole face, and each adds its own drift of the person).
The finished image is composited once more with the same person mask at full size, so that
outside it the background is the base face's by construction (the later layers would
otherwise spread the edit a few pixels out).
Where the posed face shows no face to mediapipe (nor the base face), the row falls back to
the full edit (`regions` = 1).

A turn cannot be kept out of the face: the whole face moves. But the move need not bring a
new person with it. With `carry` > 0 the posed and full faces are first rendered to a coarse
map (`carry_res`: 4 px in the editor, 8 px before), where the generator lays out who the face
is (hair, skin, light, the shape of the face), and `carry` of that map is replaced by the
base face's own map moved into that face's geometry along the landmark flow
(`ohlora.faces.flow`: where each part of the edited face sat in the base face); the later
layers then render the blend. The full face's flow follows its own landmarks, so an opened
mouth or closed eyes are carried as they are, not pulled back; rows where either face shows
no landmarks carry nothing. Inside the asked eyes and mouth regions only `region_carry` of
the carry applies (`region_share`: by area on the 8 px map, every touched cell on the 4 px
map, where a cell spans a quarter of the face). The regions' own latents are
carried along the full face's flow (their faces differ from it only inside the other
regions, which they do not show), so they cost no face analysis of their own. An editor's
closed loop keeps the first render's flows (`CarryFlow.freeze`), as it keeps the masks.

Where the carry stops, at the asked regions, the turn would bring its new person back: the
cells of the 4 px map that the eyes and mouth touch cover the middle of the face, and without
the carry they showed the turned latent's own person (a turn alone kept the person in every
edit of the by-ask probe, a turn with the eyes in 79%). With `turn_carry` > 0 each region's
latent keeps its own coarse map (so its step's opening or closing is not pulled back) plus
`turn_carry` of the correction the carry makes to the turned face there: the base face's
map, moved along the turned face's flow, less the turned face's own. Without a turn that
correction is nothing; with one, the middle of the face is the person's again, and with it
some of the unedited face's layout: the head turns less far (README: 82.9% of the generation
test's faces the same person against 80.0%, mesh pose corr 0.834 against 0.927), so it is an
option (`--turn-carry`), off by default.

A renderer remembers the analyses and the unedited faces' feature maps of the latents it met
last (`ohlora.editing.row_memo`): the studio's picked face is analysed and rendered once, not
on every slider move; the images are the same with or without the memo.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import torch
import torch.nn.functional as F

from ohlora.editing.params import (
    CARRY_RESOLUTIONS,
    DEFAULT_CARRY_RES,
    DEFAULT_REGION_STEPS,
    REGION_STEPS,
)
from ohlora.editing.row_memo import RowMemo
from ohlora.errors import OhloraError
from ohlora.faces.flow import identity_grid, landmark_flow
from ohlora.faces.regions import RegionShape, person_mask, region_mask

BATCH = 64  # rows rendered at once (up to five feature stacks of this many rows in memory)
# faces remembered between renders (the studio's picked face and its turned face, a batch's
# unedited faces): analyses of about 0.5 MB each, base feature maps of about 0.15 MB each
FACES_KEPT = 64
BASES_KEPT = 64


class FeatureGenerator(Protocol):
    """A generator that exposes its intermediate feature maps (z space)."""

    name: str

    def synthesize(self, latents: np.ndarray, space: str = "z") -> np.ndarray: ...

    def features(self, latents: np.ndarray, res: int) -> torch.Tensor: ...

    def from_features(self, h: torch.Tensor) -> np.ndarray: ...

    def advance(self, h: torch.Tensor, res: int) -> torch.Tensor: ...


def supports_local(generator: object, space: str) -> bool:
    """True when region-local edits can render with this generator in this latent space."""
    return space == "z" and hasattr(generator, "features") and hasattr(generator, "from_features")


@dataclass
class BlendMasks:
    """Per-row masks: regions (N, res, res) and person (N, res, res) at the blend size, person
    (N, H, W) at the image size, and whether mediapipe found the posed face's regions (N,).
    `parts` holds each asked region's own mask (N, res, res), zero on the rows that do not ask
    it or where no face was found (those show the full edit inside `regions`)."""

    regions: np.ndarray
    person: np.ndarray
    found: np.ndarray
    person_image: np.ndarray | None = None
    carry: CarryFlow | None = None
    parts: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass
class CarryFlow:
    """What carrying the base faces into edited ones needs: the base faces' landmarks per row
    (None: no face found), the size of the images they were found in, and the landmarks of
    every edited latent analysed so far (keyed by the latent's bytes, so that a latent seen
    again is not analysed again)."""

    base_landmarks: list[np.ndarray | None]
    image_size: int
    landmarks: dict[bytes, np.ndarray | None] = field(default_factory=dict)
    # keep the first render's grids for later renders with these masks (an editor's closed
    # loop: its corrections move a face by a fraction of a cell of the 8 px map)
    freeze: bool = False
    first: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


class LocalRenderer:
    """Renders (base, posed, full) latent triples as one region-local edit each."""

    def __init__(
        self,
        generator: FeatureGenerator,
        res: int = 16,
        shape: RegionShape | None = None,
        keep_background: bool = True,
        carry: float = 0.0,
        carry_res: int = DEFAULT_CARRY_RES,
        region_carry: float = 1.0,
        region_steps: str = DEFAULT_REGION_STEPS,
        turn_carry: float = 0.0,
    ) -> None:
        if not supports_local(generator, "z"):
            raise OhloraError(
                f"{generator.name} does not expose its feature maps, so region-local edits "
                "cannot render with it: use --method calibrated"
            )
        if not 0.0 <= carry < 1.0:
            raise OhloraError(
                f"the carry (--carry) must lie in 0..1 (1 excluded), not {carry}: try 0.8"
            )
        if not 0.0 <= region_carry <= 1.0:
            raise OhloraError(
                f"the region carry (--region-carry) must lie in 0..1, not {region_carry}: try 0"
            )
        if not 0.0 <= turn_carry <= 1.0:
            raise OhloraError(
                f"the turn carry (--turn-carry) must lie in 0..1, not {turn_carry}: try 0 or 1"
            )
        if region_steps not in REGION_STEPS:
            raise OhloraError(
                f"unknown region steps {region_steps!r}: use {' or '.join(REGION_STEPS)}"
            )
        if carry and not (carry_res in CARRY_RESOLUTIONS and carry_res < res):
            raise OhloraError(
                f"the carry map must be {' or '.join(map(str, CARRY_RESOLUTIONS))} px and "
                f"coarser than the {res} px blend, not {carry_res}: try 4"
            )
        self.g = generator
        self.res = int(res)
        self.shape = shape or RegionShape()
        self.keep_background = keep_background
        self.carry = float(carry)
        self.carry_res = int(carry_res)
        self.region_carry = float(region_carry)
        self.region_steps = region_steps
        self.turn_carry = float(turn_carry)
        self._analyzer = None
        self._lock = threading.Lock()  # mediapipe graphs are not thread-safe (the studio)
        # (analysis, image size) per base / posed latent, and (blend-size map, carry-size map
        # or None, image) per base latent: a face seen again is not analysed or rendered again
        self.faces: RowMemo[tuple[Any, int]] = RowMemo(FACES_KEPT)
        self.bases: RowMemo[tuple[torch.Tensor, torch.Tensor | None, np.ndarray]] = RowMemo(
            BASES_KEPT
        )

    def _opened(self) -> Any:  # a FaceAnalyzer, imported lazily (mediapipe loads slowly)
        """The renderer's face analyser, built on first use (call with the lock held)."""
        if self._analyzer is None:
            from ohlora.faces.analysis import FaceAnalyzer

            self._analyzer = FaceAnalyzer(256)
        return self._analyzer

    def _analyse(self, images: np.ndarray) -> list:
        with self._lock:
            return [self._opened().analyse_one(im) for im in images]

    def _analysed(self, latents: np.ndarray) -> list[tuple[Any, int]]:
        """(analysis, image size) of the faces of `latents` (for `faces`)."""
        images = self.g.synthesize(latents)
        return [(a, int(images.shape[1])) for a in self._analyse(images)]

    def _base_maps(
        self, latents: np.ndarray
    ) -> list[tuple[torch.Tensor, torch.Tensor | None, np.ndarray]]:
        """The blend-size and carry-size feature maps and the image of each base latent (for
        `bases`; each row its own copy, so that a kept row does not hold its whole batch)."""
        hb = self.g.features(latents, self.res)
        coarse = self.g.features(latents, self.carry_res) if self.carry else None
        image = self.g.from_features(hb)
        return [
            (hb[i].clone(), None if coarse is None else coarse[i].clone(), image[i].copy())
            for i in range(len(latents))
        ]

    def _landmarks(self, images: np.ndarray) -> list[np.ndarray | None]:
        with self._lock:
            return [self._opened().landmarks_of(im) for im in images]

    def close(self) -> None:
        with self._lock:
            if self._analyzer is not None:
                self._analyzer.close()
                self._analyzer = None

    def masks(
        self, base: np.ndarray, posed: np.ndarray, regions: list[tuple[str, ...]]
    ) -> BlendMasks:
        """Masks for each row from the base and posed faces (each distinct latent analysed once).

        `regions[i]`: the regions row i edits locally (eyes and / or mouth, those asked).
        """
        n, r = len(base), self.res
        assert base.shape == posed.shape and len(regions) == n, (base.shape, posed.shape)
        uniq, inverse = np.unique(np.concatenate([base, posed]), axis=0, return_inverse=True)
        seen = self.faces.get(uniq, self._analysed)
        analyses = [a for a, _ in seen]
        size = seen[0][1] if seen else 64
        inverse = inverse.ravel()
        person_of = [person_mask(a, r) for a in analyses]
        person_big = [person_mask(a, size) for a in analyses]
        out_regions = np.ones((n, r, r), np.float32)
        person = np.ones((n, r, r), np.float32)
        person_image = np.ones((n, size, size), np.float32)
        found = np.zeros(n, bool)
        names = sorted({nm for row in regions for nm in row})
        parts = {nm: np.zeros((n, r, r), np.float32) for nm in names}
        for i in range(n):
            a_base, a_posed = analyses[inverse[i]], analyses[inverse[n + i]]
            if self.keep_background:
                person[i] = np.maximum(person_of[inverse[i]], person_of[inverse[n + i]])
                person_image[i] = np.maximum(person_big[inverse[i]], person_big[inverse[n + i]])
            if not regions[i]:
                out_regions[i] = 0.0
                found[i] = True
                continue
            face = a_posed if a_posed.landmarks is not None else a_base
            if face.landmarks is None:
                continue  # no face in either: the full edit everywhere (`regions` = 1)
            for nm in regions[i]:
                one = region_mask(face, (nm,), r, self.shape)
                assert one is not None
                parts[nm][i] = one
            out_regions[i] = np.max([parts[nm][i] for nm in regions[i]], axis=0)
            found[i] = True
        carry = None
        if self.carry:
            size = analyses[0].size if analyses else 256
            carry = CarryFlow([analyses[inverse[i]].landmarks for i in range(n)], size)
            for i in range(n):
                carry.landmarks[posed[i].tobytes()] = analyses[inverse[n + i]].landmarks
        return BlendMasks(out_regions, person, found, person_image, carry, parts)

    def carry_grids(self, latents: np.ndarray, flow: CarryFlow) -> tuple[np.ndarray, np.ndarray]:
        """Sampling grids (N, r, r, 2) from each row's base face into the geometry of its
        edited latent's face, and the carried share per row (0 where either face shows no
        landmarks). Latents not analysed before are rendered and analysed now."""
        n, r = len(latents), self.carry_res
        assert n == len(flow.base_landmarks), (n, len(flow.base_landmarks))
        keys = [row.tobytes() for row in latents]
        new = sorted({k: i for i, k in enumerate(keys) if k not in flow.landmarks}.values())
        if new:
            found = self._landmarks(self.g.synthesize(latents[new]))
            for i, lm in zip(new, found, strict=True):
                flow.landmarks[keys[i]] = lm
        grids = np.broadcast_to(identity_grid(r), (n, r, r, 2)).copy()
        weight = np.zeros(n, np.float32)
        for i, k in enumerate(keys):
            b, e = flow.base_landmarks[i], flow.landmarks[k]
            if b is not None and e is not None:
                grids[i] = landmark_flow(b, e, flow.image_size, r)
                weight[i] = self.carry
        return grids, weight

    def _grids_of(
        self, role: str, latents: np.ndarray, flow: CarryFlow
    ) -> tuple[np.ndarray, np.ndarray]:
        """`carry_grids` for the posed or full latents, the first render's when frozen."""
        if flow.freeze and role in flow.first:
            return flow.first[role]
        grids = self.carry_grids(latents, flow)
        flow.first.setdefault(role, grids)
        return grids

    def render(
        self,
        base: np.ndarray,
        posed: np.ndarray,
        full: np.ndarray,
        masks: BlendMasks,
        parts: dict[str, np.ndarray] | None = None,
    ) -> np.ndarray:
        """uint8 (N, H, W, 3): the blended faces of the latent triples. `parts` {region:
        latents (N, ...)} gives each region of `masks.parts` a latent of its own (the posed
        latent plus that region's step); without it every region shows `full`."""
        n = len(base)
        assert base.shape == posed.shape == full.shape, (base.shape, posed.shape, full.shape)
        parts = parts or {}
        for nm, lat in parts.items():
            assert nm in masks.parts and lat.shape == full.shape, (nm, lat.shape, full.shape)
        # rows whose regions show the full edit: all of them without parts, else those
        # where no face was found (their `regions` mask is 1)
        whole = masks.regions * (~masks.found[:, None, None] if parts else 1.0)
        if masks.carry is not None:
            posed_grids, posed_share = self._grids_of("posed", posed, masks.carry)
            full_grids, full_share = self._grids_of("full", full, masks.carry)
        out = []
        for lo in range(0, n, BATCH):
            sl = slice(lo, lo + BATCH)
            maps = self.bases.get(base[sl], self._base_maps)
            hb = torch.stack([m[0] for m in maps])
            p = torch.from_numpy(masks.person[sl])[:, None]
            coarse = turned = None
            if masks.carry is None:
                hp = self.g.features(posed[sl], self.res)
            else:
                # the posed and the edited faces, each with the base face's coarse features
                # carried along the landmark flow into its own geometry
                coarse = torch.stack([m[1] for m in maps])  # once for every face
                turned = self._correction(coarse, posed[sl], posed_grids[sl])
                hp = self.g.advance(turned[0] + turned[1] * _share(posed_share[sl]), self.res)
            h = hb + (hp - hb) * p
            shown = [(full[sl], torch.from_numpy(np.asarray(whole[sl], np.float32))[:, None])]
            shown += [
                (lat[sl], torch.from_numpy(masks.parts[nm][sl])[:, None])
                for nm, lat in parts.items()
            ]
            for latents, m in shown:
                if not m.any():
                    continue
                if coarse is None:
                    hf = self.g.features(latents, self.res)
                else:
                    # inside the asked regions the edit may keep more of its own coarse map
                    inside = region_share(m, self.carry_res)
                    w = _share(full_share[sl]) * (1 - (1 - self.region_carry) * inside)
                    h4, correction = self._correction(coarse, latents, full_grids[sl])
                    h4 = h4 + correction * w
                    if self.turn_carry and turned is not None:
                        # the turned face's own correction, where the carry stopped
                        turn_w = _share(posed_share[sl]) * self.turn_carry * inside
                        h4 = h4 + turned[1] * turn_w
                    hf = self.g.advance(h4, self.res)
                h = h + (hf - h) * m
            image = self.g.from_features(h)
            if masks.person_image is not None:
                keep = masks.person_image[sl, :, :, None]
                base_image = np.stack([m[2] for m in maps]).astype(np.float32)
                image = np.round(base_image + (image - base_image) * keep).astype(np.uint8)
            out.append(image)
        return np.concatenate(out) if out else np.zeros((0, 64, 64, 3), np.uint8)

    def _correction(
        self, hb: torch.Tensor, latents: np.ndarray, grids: np.ndarray
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The coarse maps of `latents` (N, C, r, r) and what carrying all of their base faces'
        maps `hb` would add to them: `hb` resampled through `grids`, less their own. A share
        `w` of it carried is `h + correction * w`."""
        r = self.carry_res
        assert hb.shape[-1] == r, hb.shape
        grid = torch.from_numpy(np.asarray(grids, np.float32))
        warped = F.grid_sample(
            hb, grid, mode="bilinear", padding_mode="border", align_corners=False
        )
        h = self.g.features(latents, r)
        return h, warped - h


def region_share(mask: torch.Tensor, res: int) -> torch.Tensor:
    """How much of each cell of a coarse res x res map lies in the regions, (N, 1, r, r) ->
    (N, 1, res, res): the area share on the 8 px map (as when it was the default), the most of
    the mask over the cell on the 4 px map, so that a cell the region touches counts as inside
    (a cell spans a quarter of the face there, and its area share carried the unedited eyes
    back into the region)."""
    assert mask.ndim == 4 and mask.shape[-1] % res == 0, (mask.shape, res)
    if res < 8:
        return F.adaptive_max_pool2d(mask, res)
    return F.interpolate(mask, size=res, mode="area")


def _share(weight: np.ndarray) -> torch.Tensor:
    """Per-row carried shares (N,) as a (N, 1, 1, 1) tensor."""
    return torch.from_numpy(np.asarray(weight, np.float32))[:, None, None, None]
