"""The StyleGAN network (GenForce's layout, CelebA partial 256 x 256), written for ohlora.

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

The hyper-parameters are `arch.StyleGANArch`; `generator.StyleGANGenerator` puts the network
behind the project's `Generator` protocol.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ohlora.errors import OhloraError
from ohlora.generators.stylegan.arch import CELEBA_PARTIAL_256, StyleGANArch

LRELU_SLOPE = 0.2
CONV_GAIN = math.sqrt(2.0)  # equalised-lr gain of the dense and 3 x 3 conv layers
EPS = 1e-8  # pixel norm and instance norm


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
