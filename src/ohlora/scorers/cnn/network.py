"""The property-score CNN's network (spec 3.2, 8.2): seven scores from six small area heads.

Face analysis with the mesh is exact but slow and not differentiable; this network is trained
on the mesh's scores (`ohlora train-property-cnn`) and then stands in for it: it labels large
sample stores in minutes (`ohlora sample --scorer cnn`), judges edits (`--judge cnn`), and
lets later stages take gradients through the scores (`CNNScorer.score_torch`).

Each head looks only at its own area (`areas`): eyes, mouth, pose, hair colour (whole image),
hair length (bottom half) and one head with two outputs for background mean and std (upper
half). A head is a stack of 3 x 3 convolutions (batch norm, leaky ReLU, max-pool), a small
dense layer and a linear output. Input is in [-1, 1]; outputs are the seven normalised scores
of `resolve("landmark")`'s columns, in the units of the normalisation the network was trained
against, which is saved with it (`folder`).
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from ohlora.errors import OhloraError
from ohlora.properties.columns import PROPERTIES, resolve
from ohlora.scorers.cnn.areas import Area, area_set, box, crop

# Which head produces each property (background mean and std share one head).
HEAD_OF: dict[str, str] = {
    "eyes": "eyes",
    "mouth": "mouth",
    "pose": "pose",
    "hair_color": "hair_color",
    "hair_length": "hair_length",
    "background_mean": "background",
    "background_std": "background",
}


def columns_for(algorithm: str = "landmark") -> list[str]:
    """The score columns the CNN predicts, in `PROPERTIES` order."""
    cols = resolve(algorithm)
    return [cols[p] for p in PROPERTIES]


@dataclass(frozen=True)
class HeadSpec:
    """One head: its area, the properties it outputs and its layer sizes."""

    name: str
    area: Area
    outputs: tuple[str, ...]
    pool: int  # average-pool the crop by this factor first
    channels: tuple[int, ...]
    dense: int
    first_convs: int = 1  # convolutions before the first pooling (2: finer detail kept)

    def input_size(self, resolution: int) -> tuple[int, int]:
        """(height, width) of the head's input after cropping and pooling."""
        x0, x1, y0, y1 = box(self.area, resolution)
        return (y1 - y0) // self.pool, (x1 - x0) // self.pool

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["area"], d["outputs"], d["channels"] = (
            list(self.area),
            list(self.outputs),
            list(self.channels),
        )
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HeadSpec:
        return cls(
            name=str(d["name"]),
            area=tuple(float(v) for v in d["area"]),  # type: ignore[arg-type]
            outputs=tuple(str(v) for v in d["outputs"]),
            pool=int(d["pool"]),
            channels=tuple(int(c) for c in d["channels"]),
            dense=int(d["dense"]),
            first_convs=int(d.get("first_convs", 1)),
        )


@dataclass(frozen=True)
class Architecture:
    """Everything needed to rebuild the network before loading its weights."""

    resolution: int
    heads: tuple[HeadSpec, ...]
    columns: tuple[str, ...] = field(default_factory=lambda: tuple(columns_for()))
    area_set: str = "custom"
    dropout: float = 0.3
    leak: float = 0.1

    def __post_init__(self) -> None:
        produced = [p for h in self.heads for p in h.outputs]
        if sorted(produced) != sorted(PROPERTIES):
            raise OhloraError(
                f"the heads must produce each of {', '.join(PROPERTIES)} once, got {produced}"
            )
        if len(self.columns) != len(PROPERTIES):
            raise OhloraError(f"expected {len(PROPERTIES)} columns, got {list(self.columns)}")
        for h in self.heads:
            hh, ww = h.input_size(self.resolution)
            if min(hh, ww) < 2 ** len(h.channels):
                raise OhloraError(
                    f"head {h.name}: its area is {ww} x {hh} px at {self.resolution} px after "
                    f"pooling by {h.pool}, too small for {len(h.channels)} poolings"
                )

    def to_dict(self) -> dict[str, Any]:
        return {
            "resolution": self.resolution,
            "heads": [h.to_dict() for h in self.heads],
            "columns": list(self.columns),
            "area_set": self.area_set,
            "dropout": self.dropout,
            "leak": self.leak,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Architecture:
        return cls(
            resolution=int(d["resolution"]),
            heads=tuple(HeadSpec.from_dict(h) for h in d["heads"]),
            columns=tuple(str(c) for c in d["columns"]),
            area_set=str(d.get("area_set", "custom")),
            dropout=float(d["dropout"]),
            leak=float(d["leak"]),
        )


# Layer sizes of the heads for the fine-detail areas (eyes, mouth, pose) and for the coarse
# ones (hair, background). Each crop is average-pooled first until its shorter side is at
# most about MIN_SIDE pixels, so the network costs the same at any resolution: at 64 px the
# eyes and mouth are seen at full resolution, pose at half, the whole image at a quarter.
SMALL_HEAD = ((24, 48, 64), 96)
LARGE_HEAD = ((12, 24, 32), 64)
MIN_SIDE = 16


def pool_for(area: Area, resolution: int, min_side: int = MIN_SIDE) -> int:
    """Average-pooling factor that brings the area's shorter side down to about `min_side`."""
    x0, x1, y0, y1 = box(area, resolution)
    return max(1, min(x1 - x0, y1 - y0) // min_side)


def default_architecture(
    resolution: int = 64,
    areas: str = "context",
    small: tuple[tuple[int, ...], int] = SMALL_HEAD,
    large: tuple[tuple[int, ...], int] = LARGE_HEAD,
    min_side: int = MIN_SIDE,
    small_first_convs: int = 1,
) -> Architecture:
    """The architecture used by `ohlora train-property-cnn` for a generator resolution."""
    if resolution < 32:
        raise OhloraError(f"the property CNN needs images of at least 32 px, got {resolution}")
    a = area_set(areas)
    heads = []
    for name in ("eyes", "mouth", "pose", "hair_color", "hair_length", "background"):
        outputs = tuple(p for p in PROPERTIES if HEAD_OF[p] == name)
        is_small = name in ("eyes", "mouth", "pose")
        channels, dense = small if is_small else large
        pool = pool_for(a[name], resolution, min_side)
        first = small_first_convs if is_small else 1
        heads.append(HeadSpec(name, a[name], outputs, pool, tuple(channels), int(dense), first))
    return Architecture(resolution=resolution, heads=tuple(heads), area_set=areas)


class Head(nn.Module):
    """Convolutions over one area, then a dense layer and one linear output per property."""

    def __init__(self, spec: HeadSpec, resolution: int, dropout: float, leak: float) -> None:
        super().__init__()
        self.spec = spec
        layers: list[nn.Module] = [nn.AvgPool2d(spec.pool)] if spec.pool > 1 else []
        c_in = 3
        for i, c in enumerate(spec.channels):
            if i == 0:
                for _ in range(spec.first_convs - 1):
                    layers += [
                        nn.Conv2d(c_in, c, 3, padding=1, bias=False),
                        nn.BatchNorm2d(c),
                        nn.LeakyReLU(leak, inplace=True),
                    ]
                    c_in = c
            layers += [
                nn.Conv2d(c_in, c, 3, padding=1, bias=False),
                nn.BatchNorm2d(c),
                nn.LeakyReLU(leak, inplace=True),
                nn.MaxPool2d(2),
            ]
            c_in = c
        self.features = nn.Sequential(*layers)
        h, w = spec.input_size(resolution)
        for _ in spec.channels:
            h, w = h // 2, w // 2
        self.out = nn.Sequential(
            nn.Flatten(),
            nn.Linear(c_in * h * w, spec.dense),
            nn.LeakyReLU(leak, inplace=True),
            nn.Dropout(dropout),
            nn.Linear(spec.dense, len(spec.outputs)),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.out(self.features(crop(images, self.spec.area)))


class PropertyCNN(nn.Module):
    """Images in [-1, 1], N x 3 x H x W -> normalised scores N x 7 (`arch.columns` order)."""

    def __init__(self, arch: Architecture) -> None:
        super().__init__()
        self.arch = arch
        self.heads = nn.ModuleDict(
            {h.name: Head(h, arch.resolution, arch.dropout, arch.leak) for h in arch.heads}
        )
        where = {p: (h.name, i) for h in arch.heads for i, p in enumerate(h.outputs)}
        self._order = [where[p] for p in PROPERTIES]

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        r = self.arch.resolution
        if images.ndim != 4 or tuple(images.shape[1:]) != (3, r, r):
            raise OhloraError(
                f"the property CNN was trained on {r} x {r} images and expects N x 3 x {r} x "
                f"{r} in [-1, 1], got {tuple(images.shape)}"
            )
        outs = {name: head(images) for name, head in self.heads.items()}
        return torch.stack([outs[name][:, i] for name, i in self._order], dim=1)


def for_inference(model: PropertyCNN) -> PropertyCNN:
    """A copy for fast scoring that computes the same function: each batch norm folded into
    its convolution, and max-pooling moved before the leaky ReLU (which is increasing, so the
    order does not change the result; it activates a quarter of the values)."""
    from torch.nn.utils.fusion import fuse_conv_bn_eval

    fast = copy.deepcopy(model).eval()
    for head in fast.heads.values():
        layers, out, i = list(head.features), [], 0
        while i < len(layers):
            if isinstance(layers[i], nn.Conv2d) and isinstance(layers[i + 1], nn.BatchNorm2d):
                conv, bn, act = layers[i : i + 3]
                assert isinstance(act, nn.LeakyReLU), act
                pooled = i + 3 < len(layers) and isinstance(layers[i + 3], nn.MaxPool2d)
                fused = fuse_conv_bn_eval(conv, bn)
                out += [fused, layers[i + 3], act] if pooled else [fused, act]
                i += 4 if pooled else 3
            else:
                out.append(layers[i])
                i += 1
        head.features = nn.Sequential(*out)
    for p in fast.parameters():
        p.requires_grad_(False)
    return fast


def to_tensor(images: np.ndarray) -> torch.Tensor:
    """uint8 N x H x W x 3 -> float N x 3 x H x W in [-1, 1]."""
    assert images.ndim == 4 and images.shape[3] == 3 and images.dtype == np.uint8, (
        images.shape,
        images.dtype,
    )
    x = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2)
    return x.float().div_(127.5).sub_(1.0)


def parameter_count(model: nn.Module) -> int:
    return int(sum(p.numel() for p in model.parameters()))


def macs_per_image(arch: Architecture) -> int:
    """Multiply-accumulates of one image's forward pass (convolutions and dense layers)."""
    total = 0
    for h in arch.heads:
        hh, ww = h.input_size(arch.resolution)
        c_in = 3
        for i, c in enumerate(h.channels):
            if i == 0:
                total += hh * ww * c * (c_in + c * (h.first_convs - 1)) * 9
            else:
                total += hh * ww * c * c_in * 9
            hh, ww, c_in = hh // 2, ww // 2, c
        total += hh * ww * c_in * h.dense + h.dense * len(h.outputs)
    return int(total)


def describe(arch: Architecture) -> str:
    """One line per head: area in pixels, input size, layers."""
    lines = []
    for h in arch.heads:
        x0, x1, y0, y1 = box(h.area, arch.resolution)
        ih, iw = h.input_size(arch.resolution)
        lines.append(
            f"{h.name:<12} area x {x0}..{x1} y {y0}..{y1} ({x1 - x0} x {y1 - y0} px), input "
            f"{iw} x {ih}, conv {'-'.join(map(str, h.channels))}, dense {h.dense} -> "
            f"{', '.join(h.outputs)}"
        )
    lines.append(f"{macs_per_image(arch) / 1e6:.2f} M multiply-adds per image")
    return "\n".join(lines)
