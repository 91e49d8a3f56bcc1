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
the union of the base and posed faces' person masks. The finished image is composited once
more with the same person mask at full size, so that outside it the background is the base
face's by construction (the later layers would otherwise spread the edit a few pixels out).
Where the posed face shows no face to mediapipe (nor the base face), the row falls back to
the full edit (`regions` = 1).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import torch

from ohlora.errors import OhloraError
from ohlora.faces.regions import RegionShape, person_mask, region_mask

BATCH = 64  # rows rendered at once (three feature stacks of this many rows in memory)


class FeatureGenerator(Protocol):
    """A generator that exposes its intermediate feature maps (z space)."""

    name: str

    def synthesize(self, latents: np.ndarray, space: str = "z") -> np.ndarray: ...

    def features(self, latents: np.ndarray, res: int) -> torch.Tensor: ...

    def from_features(self, h: torch.Tensor) -> np.ndarray: ...


def supports_local(generator: object, space: str) -> bool:
    """True when region-local edits can render with this generator in this latent space."""
    return space == "z" and hasattr(generator, "features") and hasattr(generator, "from_features")


@dataclass
class BlendMasks:
    """Per-row masks: regions (N, res, res) and person (N, res, res) at the blend size, person
    (N, H, W) at the image size, and whether mediapipe found the posed face's regions (N,)."""

    regions: np.ndarray
    person: np.ndarray
    found: np.ndarray
    person_image: np.ndarray | None = None


class LocalRenderer:
    """Renders (base, posed, full) latent triples as one region-local edit each."""

    def __init__(
        self,
        generator: FeatureGenerator,
        res: int = 16,
        shape: RegionShape | None = None,
        keep_background: bool = True,
    ) -> None:
        if not supports_local(generator, "z"):
            raise OhloraError(
                f"{generator.name} does not expose its feature maps, so region-local edits "
                "cannot render with it: use --method calibrated"
            )
        self.g = generator
        self.res = int(res)
        self.shape = shape or RegionShape()
        self.keep_background = keep_background
        self._analyzer = None
        self._lock = threading.Lock()  # mediapipe graphs are not thread-safe (the studio)

    def _analyse(self, images: np.ndarray) -> list:
        with self._lock:
            if self._analyzer is None:
                from ohlora.faces.analysis import FaceAnalyzer

                self._analyzer = FaceAnalyzer(256)
            return [self._analyzer.analyse_one(im) for im in images]

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
        images = self.g.synthesize(uniq)
        size = images.shape[1]
        analyses = self._analyse(images)
        inverse = inverse.ravel()
        person_of = [person_mask(a, r) for a in analyses]
        person_big = [person_mask(a, size) for a in analyses]
        out_regions = np.ones((n, r, r), np.float32)
        person = np.ones((n, r, r), np.float32)
        person_image = np.ones((n, size, size), np.float32)
        found = np.zeros(n, bool)
        for i in range(n):
            a_base, a_posed = analyses[inverse[i]], analyses[inverse[n + i]]
            if self.keep_background:
                person[i] = np.maximum(person_of[inverse[i]], person_of[inverse[n + i]])
                person_image[i] = np.maximum(person_big[inverse[i]], person_big[inverse[n + i]])
            if not regions[i]:
                out_regions[i] = 0.0
                found[i] = True
                continue
            m = region_mask(a_posed, regions[i], r, self.shape)
            if m is None:
                m = region_mask(a_base, regions[i], r, self.shape)
            if m is not None:
                out_regions[i], found[i] = m, True
        return BlendMasks(out_regions, person, found, person_image)

    def render(
        self, base: np.ndarray, posed: np.ndarray, full: np.ndarray, masks: BlendMasks
    ) -> np.ndarray:
        """uint8 (N, H, W, 3): the blended faces of the latent triples."""
        n = len(base)
        assert base.shape == posed.shape == full.shape, (base.shape, posed.shape, full.shape)
        out = []
        for lo in range(0, n, BATCH):
            sl = slice(lo, lo + BATCH)
            hb = self.g.features(base[sl], self.res)
            hp = self.g.features(posed[sl], self.res)
            hf = self.g.features(full[sl], self.res)
            p = torch.from_numpy(masks.person[sl])[:, None]
            m = torch.from_numpy(masks.regions[sl])[:, None]
            h = hb + (hp - hb) * p
            h = h + (hf - h) * m
            image = self.g.from_features(h)
            if masks.person_image is not None:
                keep = masks.person_image[sl, :, :, None]
                base_image = self.g.from_features(hb).astype(np.float32)
                image = np.round(base_image + (image - base_image) * keep).astype(np.uint8)
            out.append(image)
        return np.concatenate(out) if out else np.zeros((0, 64, 64, 3), np.uint8)
