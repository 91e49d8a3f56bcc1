"""The small CNN behind the gender and quality classifiers, its input area and augmentation.

Each task looks at one area of the image, given as fractions so that it scales with the
generator's resolution (spec 3.1 at 256 x 256): gender the whole image, quality the top-centre
128 x 64 (x 1/4..3/4, y 0..1/4), where the original's bad faces were typically blurred.
Here quality defaults to the whole image, which measured better on the embedded generator's
faces (their flaws are mostly below the forehead); the spec's box stays selectable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from ohlora.errors import OhloraError

# name -> (x0, x1, y0, y1) as fractions of the image side
AREAS: dict[str, tuple[float, float, float, float]] = {
    "whole": (0.0, 1.0, 0.0, 1.0),
    "top-centre": (0.25, 0.75, 0.0, 0.25),
    "upper-half": (0.0, 1.0, 0.0, 0.5),
}


def area_box(area: str, resolution: int) -> tuple[int, int, int, int]:
    """Pixel box (x0, x1, y0, y1) of a named area at a resolution."""
    if area not in AREAS:
        raise OhloraError(f"unknown classifier area {area!r}: use one of {', '.join(AREAS)}")
    x0, x1, y0, y1 = AREAS[area]
    r = resolution
    return round(x0 * r), round(x1 * r), round(y0 * r), round(y1 * r)


def input_pool_for(area: str, resolution: int) -> int:
    """Average-pooling factor that brings the area's shorter side down to about 32 px.

    Keeps the networks small and alike across generators: 64 x 64 faces are pooled by 2 for
    the whole image and not at all for the top-centre strip (32 x 16).
    """
    x0, x1, y0, y1 = area_box(area, resolution)
    return max(1, min(x1 - x0, y1 - y0) // 32)


def to_input(images: np.ndarray, area: str) -> torch.Tensor:
    """uint8 N x H x W x 3 -> float N x 3 x h x w in [0, 1], cropped to the area."""
    assert images.ndim == 4 and images.shape[3] == 3 and images.dtype == np.uint8, (
        images.shape,
        images.dtype,
    )
    assert images.shape[1] == images.shape[2], images.shape
    x0, x1, y0, y1 = area_box(area, images.shape[1])
    crop = np.ascontiguousarray(images[:, y0:y1, x0:x1])
    return torch.from_numpy(crop).permute(0, 3, 1, 2).float().div_(255.0)


@dataclass(frozen=True)
class Architecture:
    """Everything needed to rebuild a network before loading its weights."""

    channels: tuple[int, ...] = (16, 32, 64)
    dropout: float = 0.3
    input_pool: int = 1  # average-pool the input by this factor first (cheaper, less overfit)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["channels"] = list(self.channels)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Architecture:
        return cls(
            channels=tuple(int(c) for c in d["channels"]),
            dropout=float(d["dropout"]),
            input_pool=int(d.get("input_pool", 1)),
        )


class SmallCNN(nn.Module):
    """conv3x3-BN-ReLU-maxpool blocks, global average pool, dropout, one logit."""

    def __init__(self, arch: Architecture) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.AvgPool2d(arch.input_pool)] if arch.input_pool > 1 else []
        c_in = 3
        for c in arch.channels:
            layers += [
                nn.Conv2d(c_in, c, 3, padding=1, bias=False),
                nn.BatchNorm2d(c),
                nn.ReLU(inplace=True),
                nn.MaxPool2d(2),
            ]
            c_in = c
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(arch.dropout), nn.Linear(c_in, 1)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Images in [0, 1], N x 3 x h x w -> logits N."""
        assert x.ndim == 4 and x.shape[1] == 3, x.shape
        return self.head(self.features(x * 2.0 - 1.0)).squeeze(1)


def shift_images(x: torch.Tensor, dx: torch.Tensor, dy: torch.Tensor) -> torch.Tensor:
    """Image i moved by (-dx[i], -dy[i]) pixels; edge pixels repeat into the gap.

    One gather over clamped indices: the same as replicate padding then cropping at offset
    (dx, dy), without a Python loop over the batch.
    """
    n, _, h, w = x.shape
    rows = (torch.arange(h)[None] + dy[:, None]).clamp_(0, h - 1)
    cols = (torch.arange(w)[None] + dx[:, None]).clamp_(0, w - 1)
    b = torch.arange(n)[:, None, None]
    out = x.permute(0, 2, 3, 1)[b, rows[:, :, None], cols[:, None, :]]
    return out.permute(0, 3, 1, 2).contiguous()


def augment(x: torch.Tensor, gen: torch.Generator, shift: int = 3) -> torch.Tensor:
    """Random horizontal flip, shift by up to `shift` pixels, mild colour jitter (per image).

    Mild on purpose: "too dark" is one of the bad-quality signs, so brightness moves by at most
    10%.
    """
    n = x.shape[0]
    flip = torch.rand(n, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    if shift > 0:
        dx = torch.randint(-shift, shift + 1, (n,), generator=gen)
        dy = torch.randint(-shift, shift + 1, (n,), generator=gen)
        x = shift_images(x, dx, dy)
    u = torch.rand(n, 3, generator=gen)
    bright = 0.9 + 0.2 * u[:, 0]
    contrast = 0.85 + 0.3 * u[:, 1]
    sat = 0.8 + 0.4 * u[:, 2]
    grey = x.mean(1, keepdim=True)
    x = grey + (x - grey) * sat[:, None, None, None]
    mean = x.mean((1, 2, 3), keepdim=True)
    x = mean + (x - mean) * contrast[:, None, None, None]
    return (x * bright[:, None, None, None]).clamp_(0.0, 1.0)
