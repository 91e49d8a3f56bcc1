"""Editing w+ on chosen layers only: layer groups, the layers of a resolution, `per_layer`."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import torch

from ohlora.errors import OhloraError
from ohlora.generators.stylegan.arch import INIT_RES

# Layer groups of the 256 px model by the resolutions they shape (StyleGAN's coarse / middle /
# fine styles): 4-8 px pose and face shape, 16-32 px features and expression, 64-256 px colour
# and micro-structure.
LAYER_GROUPS: dict[str, tuple[int, ...]] = {
    "coarse": (0, 1, 2, 3),
    "middle": (4, 5, 6, 7),
    "fine": (8, 9, 10, 11, 12, 13),
}


def layers_of_resolution(resolution: int) -> tuple[int, int]:
    """The two w+ rows that style the block at `resolution` (4 -> (0, 1), 8 -> (2, 3), ...)."""
    k = int(math.log2(resolution // INIT_RES)) if resolution >= INIT_RES else -1
    if k < 0 or INIT_RES << k != resolution:
        raise OhloraError(f"resolution {resolution} is not a power of two from 4 up")
    return (2 * k, 2 * k + 1)


def layer_mask(num_layers: int, layers: Iterable[int] | str | None) -> np.ndarray:
    """Boolean row mask of w+: `layers` is a list of indices, a group name of `LAYER_GROUPS`,
    or None (all layers)."""
    mask = np.zeros(num_layers, bool)
    if layers is None:
        mask[:] = True
        return mask
    if isinstance(layers, str):
        if layers not in LAYER_GROUPS:
            raise OhloraError(
                f"unknown layer group {layers!r}: use {', '.join(LAYER_GROUPS)} or indices"
            )
        layers = LAYER_GROUPS[layers]
    for i in layers:
        if not 0 <= int(i) < num_layers:
            raise OhloraError(f"w+ layer {i} is out of range 0..{num_layers - 1}")
        mask[int(i)] = True
    return mask


def per_layer(
    wp: np.ndarray | torch.Tensor,
    offset: np.ndarray | torch.Tensor,
    layers: Iterable[int] | str | None,
) -> np.ndarray | torch.Tensor:
    """Add `offset` to the chosen rows of w+ only; the other rows come back bit-identical.

    `wp` is (N, L, D) or (L, D); `offset` is (D,), (N, D) or (N, L, D) (rows outside `layers`
    of a full offset are ignored). numpy in, numpy out (float32); a torch tensor in stays a
    tensor and keeps its gradient path, for differentiable editing.
    """
    single = wp.ndim == 2
    if is_torch := isinstance(wp, torch.Tensor):
        w = wp.unsqueeze(0) if single else wp
        off = torch.as_tensor(offset, dtype=w.dtype, device=w.device)
    else:
        w = np.asarray(wp, np.float32)
        w = w[None] if single else w
        off = np.asarray(offset, np.float32)
    if w.ndim != 3:
        raise OhloraError(f"w+ latents must be (N, layers, dim), got {tuple(wp.shape)}")
    n, num_layers, dim = w.shape
    if off.ndim == 1:
        off = off[None, None, :]
    elif off.ndim == 2:
        off = off[:, None, :]
    if off.ndim != 3 or off.shape[-1] != dim or off.shape[0] not in (1, n):
        raise OhloraError(
            f"w+ offset of shape {tuple(offset.shape)} does not fit w+ latents {tuple(wp.shape)}"
        )
    mask = layer_mask(num_layers, layers)
    if is_torch:
        m = torch.as_tensor(mask, device=w.device).view(1, -1, 1)
        out = torch.where(m, w + off, w)
    else:
        out = np.where(mask[None, :, None], w + off, w).astype(np.float32)
    return out[0] if single else out
