"""GenForce's inference options of the StyleGAN, as one frozen, checked value.

Every option is a field; the ones a generator spec may carry (`NAME:psi=0.7,layers=8,...`)
name their short spec key and how to read it in the field's metadata, so the option names,
the spec keys and the checks live here once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from ohlora.errors import OhloraError

# GenForce's synthesis script defaults (synthesize.py); Oh-LoRA's own inference used psi 1.0.
DEFAULT_TRUNC_PSI = 0.7
DEFAULT_TRUNC_LAYERS = 8
# GenForce trains with style mixing probability 0.9; at inference mixing is off by default.
DEFAULT_STYLE_MIXING_PROB = 0.0
DEFAULT_BATCH_SIZE = 8


def _number(cast: Callable[[str], Any]) -> Callable[[str, str], Any]:
    def parse(key: str, value: str) -> Any:
        try:
            return cast(value)
        except ValueError:
            raise OhloraError(f"generator option {key}={value!r} is not a number") from None

    return parse


def _noise(key: str, value: str) -> bool:
    if value not in ("random", "fixed"):
        raise OhloraError(f"{key}={value!r}: use noise=random or noise=fixed")
    return value == "random"


def _spec(key: str, parse: Callable[[str, str], Any]) -> dict[str, Any]:
    return {"spec": key, "parse": parse}


@dataclass(frozen=True)
class StyleGANOptions:
    """How a StyleGAN generator turns latents into images (see `StyleGANGenerator`)."""

    trunc_psi: float = field(default=DEFAULT_TRUNC_PSI, metadata=_spec("psi", _number(float)))
    trunc_layers: int = field(default=DEFAULT_TRUNC_LAYERS, metadata=_spec("layers", _number(int)))
    style_mixing_prob: float = field(
        default=DEFAULT_STYLE_MIXING_PROB, metadata=_spec("mixing", _number(float))
    )
    randomize_noise: bool = field(default=False, metadata=_spec("noise", _noise))
    seed: int = field(default=0, metadata=_spec("seed", _number(int)))
    batch_size: int = DEFAULT_BATCH_SIZE  # images per forward pass of `synthesize`

    def __post_init__(self) -> None:
        psi = float(self.trunc_psi)
        if not math.isfinite(psi):
            raise OhloraError(f"trunc_psi {self.trunc_psi} is not a number: use e.g. 0.7 or 1")
        if int(self.trunc_layers) < 0:
            raise OhloraError(
                f"trunc_layers {int(self.trunc_layers)} is negative: use 0 (none) or more"
            )
        p = float(self.style_mixing_prob)
        if not 0.0 <= p <= 1.0:
            raise OhloraError(f"style_mixing_prob {p} is out of range 0..1")
        if int(self.batch_size) < 1:
            raise OhloraError(f"batch_size {self.batch_size} must be at least 1")
        for name, value in (
            ("trunc_psi", psi),
            ("trunc_layers", int(self.trunc_layers)),
            ("style_mixing_prob", p),
            ("randomize_noise", bool(self.randomize_noise)),
            ("seed", int(self.seed)),
            ("batch_size", int(self.batch_size)),
        ):
            object.__setattr__(self, name, value)

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def with_overrides(self, overrides: Mapping[str, Any]) -> StyleGANOptions:
        """These options with some replaced by name; an unknown name is one clear line."""
        unknown = sorted(set(overrides) - set(self.names()))
        if unknown:
            raise OhloraError(
                f"unknown StyleGAN option {', '.join(unknown)}: use {', '.join(self.names())}"
            )
        return replace(self, **overrides)


SPEC_FIELDS = {f.metadata["spec"]: f for f in fields(StyleGANOptions) if "spec" in f.metadata}


def parse_spec_options(text: str) -> dict[str, Any]:
    """`key=value,...` of a generator spec -> {option name: value}."""
    options: dict[str, Any] = {}
    for item in filter(None, (t.strip() for t in text.split(","))):
        key, eq, value = item.partition("=")
        if not eq or key not in SPEC_FIELDS:
            raise OhloraError(
                f"generator option {item!r}: write NAME:key=value,... with keys "
                f"{', '.join(SPEC_FIELDS)} (e.g. stylegan-celeba-partial-256:psi=1.0)"
            )
        f = SPEC_FIELDS[key]
        options[f.name] = f.metadata["parse"](key, value)
    return options
