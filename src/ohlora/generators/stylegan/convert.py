"""GenForce checkpoints: find the generator inside a `.pth`, check it key by key, convert it.

`convert_checkpoint` is the registry's converter (`ohlora weights fetch / import`): it loads
with `torch.load(weights_only=True)` and returns the tensors and config that the weights cache
saves as a model folder.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch

from ohlora.errors import OhloraError
from ohlora.generators.stylegan.arch import CELEBA_PARTIAL_256, StyleGANArch
from ohlora.generators.stylegan.network import expected_shapes
from ohlora.generators.stylegan.options import (
    DEFAULT_STYLE_MIXING_PROB,
    DEFAULT_TRUNC_LAYERS,
    DEFAULT_TRUNC_PSI,
)
from ohlora.generators.stylegan.registry import WEIGHTS_NAME, ZOO_KEY

# The architecture the registry entry must have; the converter checks files against it.
REGISTRY_ARCH = CELEBA_PARTIAL_256


def _find_state_dict(ckpt: Any) -> tuple[dict[str, Any], list[str]]:
    """The generator state dict inside a GenForce file and the keys that led to it."""
    if not isinstance(ckpt, Mapping):
        raise OhloraError(
            f"the file holds a {type(ckpt).__name__}, not a dict: not a GenForce checkpoint"
        )
    for outer in ((), ("models",)):
        node: Any = ckpt
        for key in outer:
            node = node.get(key) if isinstance(node, Mapping) else None
        if not isinstance(node, Mapping):
            continue
        for key in ("generator_smooth", "generator"):
            if isinstance(node.get(key), Mapping):
                return dict(node[key]), [*outer, key]
    if "mapping.dense0.weight" in ckpt:  # a bare generator state dict
        return dict(ckpt), []
    top = ", ".join(sorted(map(str, ckpt))[:8]) or "none"
    raise OhloraError(
        f"no 'generator_smooth' or 'generator' state dict (top-level keys: {top}): "
        f"not a GenForce StyleGAN checkpoint; use the model-zoo file {ZOO_KEY}"
    )


def _names(keys: Sequence[str], limit: int = 6) -> str:
    more = f" and {len(keys) - limit} more" if len(keys) > limit else ""
    return ", ".join(keys[:limit]) + more


def check_state_dict(state: Mapping[str, Any], arch: StyleGANArch) -> dict[str, torch.Tensor]:
    """Compare every key and shape with `arch`; one OhloraError line naming what differs.

    A DistributedDataParallel `module.` prefix is dropped first (GenForce does the same).
    Returns the tensors as contiguous float32.
    """
    if state and all(str(k).startswith("module.") for k in state):
        state = {str(k)[len("module.") :]: v for k, v in state.items()}
    want = expected_shapes(arch)
    problems = []
    missing = [k for k in want if k not in state]
    unexpected = sorted(str(k) for k in state if k not in want)
    if missing:
        problems.append(f"missing key{'s' * (len(missing) > 1)} {_names(missing)}")
    if unexpected:
        problems.append(f"unexpected key{'s' * (len(unexpected) > 1)} {_names(unexpected)}")
    wrong = []
    for k, shape in want.items():
        v = state.get(k)
        if v is None:
            continue
        if not isinstance(v, torch.Tensor) or not v.is_floating_point():
            wrong.append(f"{k} is not a float tensor")
        elif tuple(v.shape) != shape:
            wrong.append(f"{k} has shape {tuple(v.shape)}, expected {shape}")
    if wrong:
        problems.append(
            "; ".join(wrong[:4]) + (f" and {len(wrong) - 4} more" if len(wrong) > 4 else "")
        )
    if problems:
        raise OhloraError(
            f"does not match the StyleGAN {arch.resolution}x{arch.resolution} architecture "
            f"(z {arch.z_dim}, {arch.num_layers} layers): " + "; ".join(problems)
        )
    return {k: state[k].detach().to(torch.float32).contiguous() for k in want}


def convert_checkpoint(
    raw: Path, arch: StyleGANArch | None = None
) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Registry converter: a GenForce `.pth` -> (tensors, a JSON-able config).

    Loads with `torch.load(weights_only=True)` and takes `generator_smooth` when present (the
    moving average GenForce samples with), else `generator`, also inside a training
    checkpoint's `models`. Every key and shape is checked against `arch` (default
    `REGISTRY_ARCH`, the 256 px CelebA model).
    """
    arch = arch or REGISTRY_ARCH
    raw = Path(raw)
    redo = f"download {ZOO_KEY} again and run `ohlora weights import {WEIGHTS_NAME} FILE`"
    try:
        ckpt = torch.load(raw, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as e:
        first = (str(e).strip().splitlines() or [""])[0][:120]
        raise OhloraError(
            f"{raw.name} holds objects a weights-only load refuses or is not a torch file "
            f"({first}); {redo}"
        ) from None
    except Exception as e:  # torch raises several types for a corrupt archive
        raise OhloraError(
            f"{raw.name} is not a readable torch checkpoint ({e.__class__.__name__}): "
            f"a web page or a truncated download? {redo}"
        ) from None
    path: list[str] = []
    try:
        state, path = _find_state_dict(ckpt)
        tensors = check_state_dict(state, arch)
    except OhloraError as e:
        where = "".join(f"[{k!r}]" for k in path)
        raise OhloraError(f"{raw.name}{where}: {e}") from None
    return tensors, {
        "architecture": "stylegan",
        **arch.to_config(),
        "channels": arch.channels,
        "num_layers": arch.num_layers,
        "w_plus_shape": [arch.num_layers, arch.w_dim],
        "lod": float(tensors["synthesis.lod"]),
        "trunc_psi": DEFAULT_TRUNC_PSI,
        "trunc_layers": DEFAULT_TRUNC_LAYERS,
        "style_mixing_prob": DEFAULT_STYLE_MIXING_PROB,
        "source_keys": path,
        "checkpoint_top_keys": sorted(map(str, ckpt))[:20],
        "output": "linear RGB, about [-1, 1]; clipped to uint8",
    }
