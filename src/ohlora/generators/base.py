"""The `Generator` protocol every face generator follows, and the batching they share.

Latents come from seeds by the seed rule (`ohlora.generators.seeds`); `sample_latents(n, s)`
returns the latents of seeds s, s+1, ..., s+n-1.

Images cross module borders as uint8 arrays N x H x W x 3; latents as float32.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import torch

from ohlora.errors import OhloraError
from ohlora.generators.seeds import latents_for_seeds


@runtime_checkable
class Generator(Protocol):
    """A pretrained face generator seen through the latent spaces it offers.

    `spaces` lists the latent spaces accepted by `synthesize`: always "z"; "w" and "w+" where a
    mapping network exists. `latent_shape(space)` gives one latent's shape in that space.
    """

    name: str
    resolution: int
    z_dim: int
    spaces: tuple[str, ...]

    def latent_shape(self, space: str) -> tuple[int, ...]: ...

    def sample_latents(self, n: int, seed: int) -> np.ndarray: ...

    def to_space(self, z: np.ndarray, space: str) -> np.ndarray: ...

    def synthesize(self, latents: np.ndarray, space: str = "z") -> np.ndarray: ...

    def synthesize_torch(self, latents: torch.Tensor, space: str = "z") -> torch.Tensor: ...


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """Map generator output in [-1, 1], N x 3 x H x W, to uint8 N x H x W x 3."""
    assert images.ndim == 4 and images.shape[1] == 3, images.shape
    x = ((images.detach().float() + 1.0) * 127.5).round_().clamp_(0, 255)
    return x.to(torch.uint8).permute(0, 2, 3, 1).contiguous().numpy()


class TorchGenerator:
    """Shared batching and checks for generators built on a torch module.

    Subclasses set name, resolution, z_dim, spaces and implement `_forward(latents, space)`
    (float tensor in the space's shape -> images in [-1, 1], N x 3 x H x W) and, where they
    offer w, `_map(z, space)`.
    """

    name: str
    resolution: int
    z_dim: int
    spaces: tuple[str, ...] = ("z",)
    batch_size: int = 64

    def latent_shape(self, space: str) -> tuple[int, ...]:
        self._check_space(space)
        return (self.z_dim,)

    def _check_space(self, space: str) -> None:
        if space not in self.spaces:
            raise OhloraError(
                f"{self.name} offers latent spaces {', '.join(self.spaces)}, not {space!r}"
            )

    def _check_latents(self, latents: np.ndarray | torch.Tensor, space: str) -> None:
        shape = tuple(latents.shape[1:])
        if latents.ndim < 2 or shape != self.latent_shape(space):
            raise OhloraError(
                f"{self.name} expects {space} latents of shape (N, "
                f"{', '.join(map(str, self.latent_shape(space)))}), got {tuple(latents.shape)}"
            )

    def sample_latents(self, n: int, seed: int) -> np.ndarray:
        """z of seeds seed .. seed+n-1 (the project's seed rule)."""
        return latents_for_seeds(range(int(seed), int(seed) + int(n)), self.z_dim)

    def latents_for_seeds(self, seeds: Sequence[int]) -> np.ndarray:
        return latents_for_seeds(seeds, self.z_dim)

    def to_space(self, z: np.ndarray, space: str) -> np.ndarray:
        """Map z latents to `space` (identity for z)."""
        self._check_space(space)
        self._check_latents(z, "z")
        if space == "z":
            return np.asarray(z, np.float32)
        out = []
        with torch.inference_mode():
            for i in range(0, len(z), self.batch_size):
                chunk = torch.from_numpy(np.ascontiguousarray(z[i : i + self.batch_size]))
                out.append(self._map(chunk.float(), space).numpy())
        return np.concatenate(out).astype(np.float32)

    def _map(self, z: torch.Tensor, space: str) -> torch.Tensor:
        raise NotImplementedError

    def _forward(self, latents: torch.Tensor, space: str) -> torch.Tensor:
        raise NotImplementedError

    def _call_forward(self, space: str) -> Callable[[torch.Tensor], torch.Tensor]:
        """The forward pass of one `synthesize` / `synthesize_torch` call, applied to each of
        its batches (a generator with random draws starts them here, once per call)."""
        return lambda latents: self._forward(latents, space)

    def synthesize_torch(self, latents: torch.Tensor, space: str = "z") -> torch.Tensor:
        """Differentiable synthesis in one pass: latents -> images in [-1, 1], N x 3 x H x W."""
        self._check_space(space)
        self._check_latents(latents, space)
        return self._call_forward(space)(latents)

    def synthesize(self, latents: np.ndarray, space: str = "z") -> np.ndarray:
        """Latents (float32, N x latent_shape) -> uint8 images N x H x W x 3, in batches."""
        self._check_space(space)
        latents = np.asarray(latents, np.float32)
        self._check_latents(latents, space)
        forward = self._call_forward(space)
        out = []
        with torch.inference_mode():
            for i in range(0, len(latents), self.batch_size):
                chunk = torch.from_numpy(np.ascontiguousarray(latents[i : i + self.batch_size]))
                out.append(to_uint8(forward(chunk)))
        if not out:
            r = self.resolution
            return np.zeros((0, r, r, 3), np.uint8)
        images = np.concatenate(out)
        assert images.shape[1:] == (self.resolution, self.resolution, 3), images.shape
        return images
