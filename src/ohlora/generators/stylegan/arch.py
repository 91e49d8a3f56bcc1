"""The StyleGAN's hyper-parameters: what fixes every parameter name and shape of the network."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from ohlora.errors import OhloraError

FUSED_SCALE_FROM = 128  # "auto" fused scale: transposed conv at and above this resolution
INIT_RES = 4


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
