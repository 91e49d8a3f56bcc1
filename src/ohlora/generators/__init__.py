"""Face generators behind one protocol, and a loader by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ohlora.errors import OhloraError
from ohlora.generators.stylegan.options import parse_spec_options

if TYPE_CHECKING:
    from ohlora.generators.base import Generator

DEFAULT_GENERATOR = "dcgan-digiface-64"


def parse_spec(spec: str) -> tuple[str, dict[str, object]]:
    """`NAME[:key=value,...]` -> (weights name, generator options).

    A run records the whole spec as its generator, so every later stage rebuilds the same
    generator, options included. Keys: psi (truncation psi), layers (truncated layers),
    mixing (style-mixing probability), noise (random or fixed), seed (`StyleGANOptions`).
    """
    name, _, rest = spec.partition(":")
    return name, parse_spec_options(rest)


def load(name: str = DEFAULT_GENERATOR, **options: object) -> Generator:
    """Load a generator by its weights name (fetching the weights through the registry).

    `name` may carry options (`parse_spec`); `options` add to them. They go to generators that
    take them (StyleGAN truncation, style mixing, noise); the DCGAN takes none.
    """
    name, spec_options = parse_spec(name)
    options = {**spec_options, **options}
    if name == "dcgan-digiface-64":
        if options:
            raise OhloraError(f"{name} takes no generator options (got {', '.join(options)})")
        from ohlora.generators.dcgan import DCGANGenerator

        return DCGANGenerator.pretrained()
    if name.startswith("stylegan"):
        from ohlora.generators.stylegan.generator import StyleGANGenerator

        return StyleGANGenerator.pretrained(name, **options)  # type: ignore[arg-type]
    raise OhloraError(
        f"unknown generator {name!r}: use dcgan-digiface-64 or "
        "stylegan-celeba-partial-256 (see `ohlora weights list`)"
    )
