"""The original generator: GenForce's StyleGAN (CelebA partial, 256 x 256), written for ohlora.

The network follows the published StyleGAN architecture as GenForce lays it out, so that
GenForce checkpoints load key for key (spec 8.1):

* mapping: pixel norm of z, then `mapping_layers` dense layers (512 wide, leaky ReLU 0.2 after
  every one), equalised learning rate with a learning-rate multiplier of 0.01: the stored
  weight is multiplied by `sqrt(2) / sqrt(fan_in) * lr_mul` and the stored bias by `lr_mul`.
* truncation: a `w_avg` buffer; on the first `trunc_layers` layers of w+,
  `w_avg + psi * (w - w_avg)`.
* synthesis: a learned 4 x 4 constant, then two layers per resolution (14 at 256 px), with
  `min(fmaps_base // res, fmaps_max)` channels (512, 512, 512, 512, 256, 128, 64 for 4..256).
  Each layer: [upsample + 3 x 3 conv + blur] or 3 x 3 conv (or the constant), per-pixel noise
  times a learned per-channel strength, bias, leaky ReLU 0.2, instance norm, then style
  modulation `x * (1 + scale) + shift` with `(scale, shift)` a dense 512 -> 2C of that layer's
  w (gain 1). Upsampling is nearest + conv below 128 px and, from 128 px up, a stride-2
  transposed conv whose 4 x 4 kernel sums the stored 3 x 3 kernel at four offsets ("fused
  scale": the same as nearest + conv with that kernel mirrored, so a checkpoint is tied to its
  choice); the blur is the normalised [1, 2, 1] outer product. Every resolution has a 1 x 1
  RGB output `output{k}` (gain 1, linear); `synthesis.lod` selects or blends them (0: full
  resolution).
* output: linear RGB in about [-1, 1], clipped when converted to uint8.

`StyleGANGenerator` puts the network behind the project's `Generator` protocol with the spaces
z, w and w+, GenForce's inference options (truncation, style mixing, noise) and helpers to edit
w+ on chosen layers only (`per_layer`, `layers_of_resolution`, `LAYER_GROUPS`).
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ohlora import weights
from ohlora.errors import OhloraError
from ohlora.generators.base import TorchGenerator
from ohlora.generators.stylegan_weights import WEIGHTS_NAME, ZOO_KEY
from ohlora.modelfolder import ModelFolder

LRELU_SLOPE = 0.2
CONV_GAIN = math.sqrt(2.0)  # equalised-lr gain of the dense and 3 x 3 conv layers
EPS = 1e-8  # pixel norm and instance norm
FUSED_SCALE_FROM = 128  # "auto" fused scale: transposed conv at and above this resolution
INIT_RES = 4

# GenForce's synthesis script defaults (synthesize.py); Oh-LoRA's own inference used psi 1.0.
DEFAULT_TRUNC_PSI = 0.7
DEFAULT_TRUNC_LAYERS = 8
# GenForce trains with style mixing probability 0.9; at inference mixing is off by default.
DEFAULT_STYLE_MIXING_PROB = 0.0
DEFAULT_BATCH_SIZE = 8

OPTION_NAMES = (
    "trunc_psi",
    "trunc_layers",
    "style_mixing_prob",
    "randomize_noise",
    "seed",
    "batch_size",
)


# --------------------------------------------------------------------------- architecture


@dataclass(frozen=True)
class StyleGANArch:
    """The hyper-parameters that fix every parameter name and shape of the network."""

    resolution: int = 256
    z_dim: int = 512
    w_dim: int = 512
    mapping_layers: int = 8
    mapping_fmaps: int = 512
    mapping_lr_mul: float = 0.01
    fmaps_base: int = 16384
    fmaps_max: int = 512
    fused_scale: bool | str = "auto"

    def __post_init__(self) -> None:
        r = self.resolution
        if r < 8 or r & (r - 1):
            raise OhloraError(f"StyleGAN resolution {r} is not a power of two from 8 up")
        if self.fused_scale not in (True, False, "auto"):
            raise OhloraError(f"fused_scale must be true, false or 'auto', not {self.fused_scale}")
        if min(self.z_dim, self.w_dim, self.mapping_layers, self.mapping_fmaps) < 1:
            raise OhloraError("StyleGAN z_dim, w_dim, mapping_layers, mapping_fmaps must be >= 1")
        if min(self.channels) < 1:
            raise OhloraError(f"fmaps_base {self.fmaps_base} gives no channels at {r} px")

    @property
    def resolutions(self) -> list[int]:
        """4, 8, ..., resolution: one synthesis block each."""
        return [INIT_RES << k for k in range(int(math.log2(self.resolution // INIT_RES)) + 1)]

    @property
    def channels(self) -> list[int]:
        """Feature maps of each block, `min(fmaps_base // res, fmaps_max)`."""
        return [min(self.fmaps_base // r, self.fmaps_max) for r in self.resolutions]

    @property
    def num_layers(self) -> int:
        """Synthesis layers (two per resolution): the rows of w+."""
        return 2 * len(self.resolutions)

    def fused(self, res: int) -> bool:
        """Whether the upsampling layer into `res` is a transposed ("fused scale") conv."""
        if self.fused_scale == "auto":
            return res >= FUSED_SCALE_FROM
        return bool(self.fused_scale)

    def to_config(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> StyleGANArch:
        return cls(**{f.name: config[f.name] for f in fields(cls) if f.name in config})


CELEBA_PARTIAL_256 = StyleGANArch()
# The architecture the registry entry must have; the converter checks files against it.
REGISTRY_ARCH = CELEBA_PARTIAL_256


# --------------------------------------------------------------------------- building blocks


def pixel_norm(x: torch.Tensor) -> torch.Tensor:
    """Scale each vector to unit root-mean-square over its features."""
    return x * torch.rsqrt(x.square().mean(dim=1, keepdim=True) + EPS)


def instance_norm(x: torch.Tensor) -> torch.Tensor:
    """Zero mean and unit root-mean-square per sample and channel, over the pixels."""
    x = x - x.mean(dim=(2, 3), keepdim=True)
    return x * torch.rsqrt(x.square().mean(dim=(2, 3), keepdim=True) + EPS)


class MappingDense(nn.Module):
    """Dense layer with equalised learning rate and leaky ReLU (GenForce `DenseBlock`)."""

    def __init__(self, in_dim: int, out_dim: int, lr_mul: float) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_dim, in_dim))
        self.bias = nn.Parameter(torch.empty(out_dim))
        self.weight_gain = CONV_GAIN / math.sqrt(in_dim) * lr_mul
        self.bias_gain = lr_mul

    def reset_parameters(self) -> None:
        nn.init.normal_(self.weight, std=1.0 / self.bias_gain)
        nn.init.zeros_(self.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.linear(x, self.weight * self.weight_gain, self.bias * self.bias_gain)
        return F.leaky_relu(x, LRELU_SLOPE)


class MappingNetwork(nn.Module):
    """z -> w: pixel norm, then the dense stack."""

    def __init__(self, arch: StyleGANArch) -> None:
        super().__init__()
        self.z_dim = arch.z_dim
        self.num_layers = arch.mapping_layers
        for i in range(arch.mapping_layers):
            in_dim = arch.z_dim if i == 0 else arch.mapping_fmaps
            out_dim = arch.w_dim if i == arch.mapping_layers - 1 else arch.mapping_fmaps
            self.add_module(f"dense{i}", MappingDense(in_dim, out_dim, arch.mapping_lr_mul))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        assert z.ndim == 2 and z.shape[1] == self.z_dim, z.shape
        x = pixel_norm(z)
        for i in range(self.num_layers):
            x = getattr(self, f"dense{i}")(x)
        return x


class Truncation(nn.Module):
    """Broadcast w to w+ and pull the first layers towards the average w."""

    def __init__(self, w_dim: int, num_layers: int) -> None:
        super().__init__()
        self.num_layers = num_layers
        self.w_dim = w_dim
        self.register_buffer("w_avg", torch.empty(w_dim))

    def reset_parameters(self) -> None:
        nn.init.zeros_(self.w_avg)

    def broadcast(self, w: torch.Tensor) -> torch.Tensor:
        """w (N, w_dim) -> w+ (N, num_layers, w_dim), the same code on every layer."""
        assert w.ndim == 2 and w.shape[1] == self.w_dim, w.shape
        return w.unsqueeze(1).expand(-1, self.num_layers, -1)

    def forward(self, wp: torch.Tensor, psi: float = 1.0, layers: int = 0) -> torch.Tensor:
        """`w_avg + psi (wp - w_avg)` on layers `0 .. layers-1`; others unchanged."""
        if wp.ndim == 2:
            wp = self.broadcast(wp)
        assert wp.shape[1:] == (self.num_layers, self.w_dim), wp.shape
        if psi == 1.0 or layers <= 0:
            return wp
        n = min(layers, self.num_layers)
        avg = self.w_avg.to(wp.dtype).view(1, 1, -1)
        head = avg + (wp[:, :n] - avg) * psi
        return torch.cat([head, wp[:, n:]], dim=1)  # untruncated rows stay bit-identical


class Blur(nn.Module):
    """Depthwise 3 x 3 low-pass filter, the normalised outer product of [1, 2, 1]."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.register_buffer("kernel", self.make_kernel(channels))

    @staticmethod
    def make_kernel(channels: int) -> torch.Tensor:
        """The (channels, 1, 3, 3) depthwise kernel, summing to 1 per channel."""
        taps = torch.tensor([1.0, 2.0, 1.0])
        kernel = torch.outer(taps, taps)
        return (kernel / kernel.sum()).expand(channels, 1, 3, 3).clone()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.kernel, padding=1, groups=x.shape[1])


class NoiseInput(nn.Module):
    """Adds a noise image (one map shared by all channels) times a learned per-channel strength.

    `noise` is the fixed map stored in the checkpoint (1 x 1 x res x res); a caller may pass its
    own noise (N x 1 x res x res) instead.
    """

    def __init__(self, resolution: int, channels: int) -> None:
        super().__init__()
        self.resolution = resolution
        self.register_buffer("noise", torch.empty(1, 1, resolution, resolution))
        self.weight = nn.Parameter(torch.empty(channels))

    def reset_parameters(self) -> None:
        nn.init.normal_(self.noise)
        nn.init.zeros_(self.weight)

    def forward(self, x: torch.Tensor, noise: torch.Tensor | None = None) -> torch.Tensor:
        noise = self.noise if noise is None else noise
        return x + noise.to(x.dtype) * self.weight.view(1, -1, 1, 1)


class StyleModulation(nn.Module):
    """Per-channel scale and shift from w: a dense w_dim -> 2C (gain 1, equalised lr)."""

    def __init__(self, w_dim: int, channels: int) -> None:
        super().__init__()
        self.channels = channels
        self.weight = nn.Parameter(torch.empty(2 * channels, w_dim))
        self.bias = nn.Parameter(torch.empty(2 * channels))
        self.weight_gain = 1.0 / math.sqrt(w_dim)

    def reset_parameters(self) -> None:
        nn.init.normal_(self.weight)
        nn.init.zeros_(self.bias)

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        style = F.linear(w, self.weight * self.weight_gain, self.bias)
        scale, shift = style.view(-1, 2, self.channels, 1, 1).unbind(1)
        return x * (scale + 1.0) + shift


class SynthesisLayer(nn.Module):
    """One styled layer. `kind`: "const" (the 4 x 4 input), "conv", "up" (nearest + conv + blur)
    or "up_fused" (transposed conv + blur)."""

    def __init__(self, kind: str, in_ch: int, out_ch: int, resolution: int, w_dim: int) -> None:
        super().__init__()
        assert kind in ("const", "conv", "up", "up_fused"), kind
        self.kind = kind
        if kind == "const":
            self.const = nn.Parameter(torch.empty(1, out_ch, resolution, resolution))
        else:
            self.weight = nn.Parameter(torch.empty(out_ch, in_ch, 3, 3))
            self.weight_gain = CONV_GAIN / math.sqrt(in_ch * 9)
        if kind.startswith("up"):
            self.blur = Blur(out_ch)
        self.bias = nn.Parameter(torch.empty(out_ch))
        self.apply_noise = NoiseInput(resolution, out_ch)
        self.style = StyleModulation(w_dim, out_ch)

    def reset_parameters(self) -> None:
        if self.kind == "const":
            nn.init.ones_(self.const)
        else:
            nn.init.normal_(self.weight)
        nn.init.zeros_(self.bias)

    def _convolve(self, x: torch.Tensor) -> torch.Tensor:
        k = self.weight * self.weight_gain
        if self.kind == "conv":
            return F.conv2d(x, k, padding=1)
        if self.kind == "up":
            return F.conv2d(F.interpolate(x, scale_factor=2.0, mode="nearest"), k, padding=1)
        # Fused scale: the 3 x 3 kernel summed at the four one-pixel offsets gives a 4 x 4
        # kernel for a stride-2 transposed conv, the adjoint of a correlation: this equals
        # nearest upsampling and a 3 x 3 conv with the kernel mirrored (tested).
        k = F.pad(k, (1, 1, 1, 1))
        k = k[:, :, 1:, 1:] + k[:, :, :-1, 1:] + k[:, :, 1:, :-1] + k[:, :, :-1, :-1]
        return F.conv_transpose2d(x, k.transpose(0, 1), stride=2, padding=1)

    def forward(
        self, x: torch.Tensor | None, w: torch.Tensor, noise: torch.Tensor | None = None
    ) -> torch.Tensor:
        if self.kind == "const":
            x = self.const.expand(w.shape[0], -1, -1, -1)
        else:
            assert x is not None
            x = self._convolve(x)
            if self.kind != "conv":
                x = self.blur(x)
        x = self.apply_noise(x, noise)
        x = x + self.bias.view(1, -1, 1, 1)
        x = F.leaky_relu(x, LRELU_SLOPE)
        return self.style(instance_norm(x), w)


class ToRGB(nn.Module):
    """1 x 1 conv to the image channels (gain 1, equalised lr, linear)."""

    def __init__(self, in_ch: int, out_ch: int = 3) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(out_ch, in_ch, 1, 1))
        self.bias = nn.Parameter(torch.empty(out_ch))
        self.weight_gain = 1.0 / math.sqrt(in_ch)

    def reset_parameters(self) -> None:
        nn.init.normal_(self.weight)
        nn.init.zeros_(self.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight * self.weight_gain, self.bias)


class SynthesisNetwork(nn.Module):
    """w+ (N, num_layers, w_dim) -> image (N, 3, res, res), about [-1, 1]."""

    def __init__(self, arch: StyleGANArch) -> None:
        super().__init__()
        self.arch = arch
        self.num_layers = arch.num_layers
        self.num_blocks = len(arch.resolutions)
        self.register_buffer("lod", torch.zeros(()))
        chans = arch.channels
        for k, res in enumerate(arch.resolutions):
            if k == 0:
                first = SynthesisLayer("const", chans[0], chans[0], res, arch.w_dim)
            else:
                kind = "up_fused" if arch.fused(res) else "up"
                first = SynthesisLayer(kind, chans[k - 1], chans[k], res, arch.w_dim)
            self.add_module(f"layer{2 * k}", first)
            self.add_module(
                f"layer{2 * k + 1}", SynthesisLayer("conv", chans[k], chans[k], res, arch.w_dim)
            )
            self.add_module(f"output{k}", ToRGB(chans[k]))

    def layer(self, i: int) -> SynthesisLayer:
        return getattr(self, f"layer{i}")

    def active_layers(self, lod: float | None = None) -> int:
        """Layers that shape the image at this level of detail (all of them at lod 0)."""
        lod = float(self.lod) if lod is None else lod
        return self.num_layers - 2 * int(lod)

    def forward(
        self,
        wp: torch.Tensor,
        noise: Sequence[torch.Tensor | None] | None = None,
        lod: float | None = None,
    ) -> torch.Tensor:
        """`noise[i]` replaces the fixed noise of layer i where given; `lod` defaults to the
        buffer. At a fractional lod the two nearest resolutions' RGB outputs are blended, as in
        progressive training; coarser images are enlarged by nearest upsampling."""
        assert wp.ndim == 3 and wp.shape[1:] == (self.num_layers, self.arch.w_dim), wp.shape
        lod = float(self.lod) if lod is None else float(lod)
        if not 0.0 <= lod <= self.num_blocks - 1:
            raise OhloraError(f"lod {lod} is out of range 0..{self.num_blocks - 1}")
        noise = noise if noise is not None else [None] * self.num_layers
        x: torch.Tensor | None = None
        image: torch.Tensor | None = None
        for k in range(self.num_blocks):
            level = self.num_blocks - 1 - k  # this block's lod: 0 for the full resolution
            if lod < level + 1:
                for i in (2 * k, 2 * k + 1):
                    x = self.layer(i)(x, wp[:, i], noise[i])
            if level - 1 < lod <= level:
                image = getattr(self, f"output{k}")(x)
            elif level < lod < level + 1:
                alpha = math.ceil(lod) - lod
                rgb = getattr(self, f"output{k}")(x)
                image = rgb * alpha + F.interpolate(image, scale_factor=2.0) * (1 - alpha)
            elif lod >= level + 1:
                image = F.interpolate(image, scale_factor=2.0)
        assert image is not None
        return image


class StyleGANNet(nn.Module):
    """The whole generator: `mapping`, `truncation`, `synthesis` (GenForce's state-dict layout)."""

    def __init__(self, arch: StyleGANArch = CELEBA_PARTIAL_256, init: bool = True) -> None:
        """`init=False` leaves parameters uninitialised (fast) for loading or filling; the
        blur kernels and `lod` are always set. `init=True` is GenForce's initialisation."""
        super().__init__()
        self.arch = arch
        self.mapping = MappingNetwork(arch)
        self.truncation = Truncation(arch.w_dim, arch.num_layers)
        self.synthesis = SynthesisNetwork(arch)
        if init:
            for module in self.modules():
                if module is not self and hasattr(module, "reset_parameters"):
                    module.reset_parameters()

    def forward(
        self, z: torch.Tensor, trunc_psi: float = 1.0, trunc_layers: int = 0
    ) -> torch.Tensor:
        """z -> image with truncation, fixed noise, no style mixing."""
        return self.synthesis(self.truncation(self.mapping(z), trunc_psi, trunc_layers))


def expected_shapes(arch: StyleGANArch) -> dict[str, tuple[int, ...]]:
    """Every state-dict key of `arch` and its shape, as a GenForce checkpoint holds them."""
    net = StyleGANNet(arch, init=False)
    return {k: tuple(v.shape) for k, v in net.state_dict().items()}


# --------------------------------------------------------------------------- w+ editing helpers

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


# --------------------------------------------------------------------------- checkpoint loading


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


# --------------------------------------------------------------------------- the Generator


def _check_options(options: Mapping[str, Any], num_layers: int) -> dict[str, Any]:
    unknown = sorted(set(options) - set(OPTION_NAMES))
    if unknown:
        raise OhloraError(
            f"unknown StyleGAN option {', '.join(unknown)}: use {', '.join(OPTION_NAMES)}"
        )
    out = dict(options)
    if "trunc_psi" in out:
        psi = float(out["trunc_psi"])
        if not math.isfinite(psi):
            raise OhloraError(f"trunc_psi {out['trunc_psi']} is not a number: use e.g. 0.7 or 1")
        out["trunc_psi"] = psi
    if "trunc_layers" in out:
        n = int(out["trunc_layers"])
        if n < 0:
            raise OhloraError(f"trunc_layers {n} is negative: use 0..{num_layers} (0: none)")
        out["trunc_layers"] = n
    if "style_mixing_prob" in out:
        p = float(out["style_mixing_prob"])
        if not 0.0 <= p <= 1.0:
            raise OhloraError(f"style_mixing_prob {p} is out of range 0..1")
        out["style_mixing_prob"] = p
    if "seed" in out:
        out["seed"] = int(out["seed"])
    if "batch_size" in out and int(out["batch_size"]) < 1:
        raise OhloraError(f"batch_size {out['batch_size']} must be at least 1")
    return out


class StyleGANGenerator(TorchGenerator):
    """The GenForce StyleGAN behind the `Generator` protocol; spaces z, w and w+; eval, CPU.

    * `to_space(z, "w")`: the mapping output (untruncated).
      `to_space(z, "w+")`: w broadcast to all `num_layers` rows, truncation applied.
    * `synthesize(z, "z")`: map, style-mix (if `style_mixing_prob` > 0), truncate, synthesise.
      `synthesize(w, "w")`: truncate, synthesise. `synthesize(wp, "w+")`: synthesise as given
      (no truncation, no mixing), so `synthesize(to_space(z, "w+"), "w+")` equals
      `synthesize(z)` without mixing.

    Options (keyword arguments of the constructors; attributes of the same name):
    * `trunc_psi` (0.7) and `trunc_layers` (8): GenForce's synthesis defaults; psi 1.0 (or 0
      layers) turns truncation off, as Oh-LoRA's inference did.
    * `style_mixing_prob` (0.0): per sample, with this probability, rows from a random
      crossover layer (1 .. num_layers - 1) on come from the w of a second z; GenForce trains
      with 0.9.
    * `randomize_noise` (False): False uses the noise maps stored in the checkpoint; True draws
      fresh noise per sample.
    * `seed` (0): seeds the draws of style mixing and random noise. Every `synthesize` /
      `synthesize_torch` call restarts from it and draws per sample in order, so a call is
      deterministic and independent of batching.
    * `batch_size` (8): images per forward pass in `synthesize`.

    Editing: `edit_w_plus(wp, offset, layers)` (and the module function `per_layer`, also for
    torch tensors) adds an offset to chosen w+ rows only, given as indices, a `LAYER_GROUPS`
    name ("coarse", "middle", "fine") or `layers_of_resolution(res)`; `truncate` and `w_avg`
    expose the truncation. The instance is not thread-safe (the draws of one call live on it).
    """

    spaces = ("z", "w", "w+")

    def __init__(
        self,
        net: StyleGANNet,
        name: str = WEIGHTS_NAME,
        *,
        trunc_psi: float = DEFAULT_TRUNC_PSI,
        trunc_layers: int = DEFAULT_TRUNC_LAYERS,
        style_mixing_prob: float = DEFAULT_STYLE_MIXING_PROB,
        randomize_noise: bool = False,
        seed: int = 0,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        self.net = net.eval()
        for p in self.net.parameters():
            p.requires_grad_(False)
        self.arch = net.arch
        self.name = name
        self.z_dim = net.arch.z_dim
        self.w_dim = net.arch.w_dim
        self.resolution = net.arch.resolution
        self.num_layers = net.arch.num_layers
        opts = _check_options(
            {
                "trunc_psi": trunc_psi,
                "trunc_layers": trunc_layers,
                "style_mixing_prob": style_mixing_prob,
                "seed": seed,
                "batch_size": batch_size,
            },
            self.num_layers,
        )
        self.trunc_psi: float = opts["trunc_psi"]
        self.trunc_layers: int = opts["trunc_layers"]
        self.style_mixing_prob: float = opts["style_mixing_prob"]
        self.randomize_noise = bool(randomize_noise)
        self.seed: int = opts["seed"]
        self.batch_size = int(batch_size)
        self._draws: torch.Generator | None = None

    # ---- constructors

    @classmethod
    def from_dir(cls, folder: Path, **options: Any) -> StyleGANGenerator:
        """Load converted weights (model.safetensors + config.json) from a folder.

        The config's truncation defaults apply unless `options` override them.
        """
        state, config = ModelFolder(Path(folder)).load(
            kind=weights.FORMAT,
            what="StyleGAN weights",
            remedy=f"import the weights again with `ohlora weights import {WEIGHTS_NAME} FILE`",
            check=False,
        )
        arch = StyleGANArch.from_config(config)
        net = StyleGANNet(arch, init=False)
        try:
            tensors = check_state_dict(state, arch)
        except OhloraError as e:
            raise OhloraError(f"{folder / weights.MODEL_FILE}: {e}") from None
        net.load_state_dict(tensors, assign=True)
        defaults = {k: config[k] for k in ("trunc_psi", "trunc_layers") if k in config}
        name = config.get("weights", {}).get("name", folder.name)
        return cls(net, name=name, **_check_options({**defaults, **options}, arch.num_layers))

    @classmethod
    def pretrained(cls, name: str = WEIGHTS_NAME, **options: Any) -> StyleGANGenerator:
        """Registry weights `name`, fetched (or imported by the user) into the cache first."""
        entry = weights.entry(name)
        if not entry.converter.startswith(f"{__name__}:"):
            raise OhloraError(f"{name} is not a StyleGAN: see `ohlora weights list`")
        _check_options(options, CELEBA_PARTIAL_256.num_layers)
        return cls.from_dir(weights.ensure(name), **options)

    @classmethod
    def random(
        cls, resolution: int = 256, seed: int = 0, *, arch: dict[str, Any] | None = None, **options
    ) -> StyleGANGenerator:
        """Random weights for tests and benchmarks: `arch` overrides `StyleGANArch` fields.

        Every parameter and buffer gets a seeded random value (non-zero biases, noise
        strengths, constant and `w_avg` = mean w of 512 z), so each part shows in the image.
        """
        spec = StyleGANArch(**{**(arch or {}), "resolution": resolution})
        options = _check_options(options, spec.num_layers)
        return cls(random_net(spec, seed), name=f"stylegan-random-{resolution}", **options)

    # ---- protocol

    def latent_shape(self, space: str) -> tuple[int, ...]:
        self._check_space(space)
        if space == "z":
            return (self.z_dim,)
        if space == "w":
            return (self.w_dim,)
        return (self.num_layers, self.w_dim)

    def _map(self, z: torch.Tensor, space: str) -> torch.Tensor:
        w = self.net.mapping(z.float())
        if space == "w":
            return w
        return self.net.truncation(w, self.trunc_psi, self.trunc_layers)

    def _forward(self, latents: torch.Tensor, space: str) -> torch.Tensor:
        latents = latents.float()
        gen = self._draws if self._draws is not None else self._new_draws()
        mix_z, mix_from, noise = self._sample_draws(gen, latents.shape[0])
        if space == "w+":
            wp = latents
        else:
            w = self.net.mapping(latents) if space == "z" else latents
            wp = self.net.truncation.broadcast(w)
            if space == "z" and mix_z is not None and mix_from is not None:
                wp2 = self.net.truncation.broadcast(self.net.mapping(mix_z.to(w.dtype)))
                rows = torch.arange(self.num_layers).view(1, -1, 1)
                wp = torch.where(rows >= mix_from.view(-1, 1, 1), wp2, wp)
            wp = self.net.truncation(wp, self.trunc_psi, self.trunc_layers)
        return self.net.synthesis(wp, noise)

    def _new_draws(self) -> torch.Generator:
        return torch.Generator().manual_seed(self.seed)

    def _sample_draws(
        self, gen: torch.Generator, n: int
    ) -> tuple[torch.Tensor | None, torch.Tensor | None, list[torch.Tensor] | None]:
        """Random draws of `n` samples, each in turn: style mixing (when on: a uniform, the
        crossover layer, a second z), then one noise map per layer (when randomised).

        Returns the second z (n, z_dim) and the first mixed row per sample (num_layers where
        the sample is not mixed), or None, None; and the noise maps per layer or None.
        """
        mixing = self.style_mixing_prob > 0
        active = self.net.synthesis.active_layers()
        layers = [self.net.synthesis.layer(i) for i in range(self.num_layers)]
        zs: list[torch.Tensor] = []
        starts: list[int] = []
        maps: list[list[torch.Tensor]] = [[] for _ in layers]
        for _ in range(n if (mixing or self.randomize_noise) else 0):
            if mixing:
                u = float(torch.rand((), generator=gen))
                cut = int(torch.randint(1, max(active, 2), (), generator=gen))
                zs.append(torch.randn(self.z_dim, generator=gen))
                starts.append(cut if u < self.style_mixing_prob else self.num_layers)
            if self.randomize_noise:
                for i, layer in enumerate(layers):
                    res = layer.apply_noise.resolution
                    maps[i].append(torch.randn(1, res, res, generator=gen))
        noise = [torch.stack(m) for m in maps] if self.randomize_noise and n else None
        if not zs:
            return None, None, noise
        return torch.stack(zs), torch.tensor(starts), noise

    def synthesize(self, latents: np.ndarray, space: str = "z") -> np.ndarray:
        """Latents -> uint8 N x H x W x 3 (see the class docstring for each space)."""
        self._draws = self._new_draws()
        try:
            return super().synthesize(latents, space)
        finally:
            self._draws = None

    def synthesize_torch(self, latents: torch.Tensor, space: str = "z") -> torch.Tensor:
        """Differentiable synthesis in one pass: latents -> images in [-1, 1], N x 3 x H x W."""
        self._draws = self._new_draws()
        try:
            return super().synthesize_torch(latents, space)
        finally:
            self._draws = None

    # ---- editing helpers

    @property
    def w_avg(self) -> np.ndarray:
        """The average w (the truncation centre), float32 (w_dim,)."""
        return self.net.truncation.w_avg.detach().numpy().astype(np.float32)

    def truncate(
        self, wp: np.ndarray, psi: float | None = None, layers: int | None = None
    ) -> np.ndarray:
        """Apply truncation to w (N, D) or w+ (N, L, D); defaults are this generator's options."""
        psi = self.trunc_psi if psi is None else float(psi)
        layers = self.trunc_layers if layers is None else int(layers)
        with torch.inference_mode():
            t = torch.from_numpy(np.ascontiguousarray(wp, np.float32))
            return self.net.truncation(t, psi, layers).numpy().astype(np.float32)

    def edit_w_plus(
        self,
        wp: np.ndarray,
        offset: np.ndarray,
        layers: Iterable[int] | str | None,
    ) -> np.ndarray:
        """`per_layer` for this generator: add `offset` to rows `layers` of w+ (N, L, D)."""
        self._check_latents(wp, "w+")
        return np.asarray(per_layer(wp, offset, layers), np.float32)


def random_net(arch: StyleGANArch, seed: int = 0) -> StyleGANNet:
    """A network with seeded random values in every parameter and buffer (see `random`)."""
    gen = torch.Generator().manual_seed(int(seed))
    net = StyleGANNet(arch, init=False)  # no global RNG draws, no double initialisation
    lr = arch.mapping_lr_mul
    with torch.no_grad():
        for name, t in net.named_parameters():
            if name.startswith("mapping."):
                scale = (1.0 if name.endswith("weight") else 0.1) / lr  # stored / lr_mul
            elif name.startswith("synthesis.output"):
                scale = 0.3 if name.endswith("weight") else 0.05  # keeps most pixels unclipped
            elif name.endswith(".bias") or name.endswith("apply_noise.weight"):
                scale = 0.2
            else:  # conv and style weights (equalised lr: unit normal), the constant
                scale = 1.0
            t.copy_(torch.randn(t.shape, generator=gen) * scale)
        for mod in net.modules():
            if isinstance(mod, NoiseInput):
                mod.noise.copy_(torch.randn(mod.noise.shape, generator=gen))
        z = torch.randn(512, arch.z_dim, generator=gen)
        net.truncation.w_avg.copy_(net.mapping(z).mean(0))
    return net
