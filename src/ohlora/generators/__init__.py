"""Face generators behind one protocol, and a loader by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ohlora.errors import OhloraError

if TYPE_CHECKING:
    from ohlora.generators.base import Generator

DEFAULT_GENERATOR = "dcgan-digiface-64"

# Short names of the StyleGAN inference options in a generator spec (`NAME:psi=0.7,layers=8`).
SPEC_OPTIONS = {
    "psi": "trunc_psi",
    "layers": "trunc_layers",
    "mixing": "style_mixing_prob",
    "noise": "randomize_noise",
    "seed": "seed",
}


def parse_spec(spec: str) -> tuple[str, dict[str, object]]:
    """`NAME[:key=value,...]` -> (weights name, generator options).

    A run records the whole spec as its generator, so every later stage rebuilds the same
    generator, options included. Keys: psi (truncation psi), layers (truncated layers),
    mixing (style-mixing probability), noise (random or fixed), seed.
    """
    name, _, rest = spec.partition(":")
    options: dict[str, object] = {}
    for item in filter(None, (t.strip() for t in rest.split(","))):
        key, eq, value = item.partition("=")
        if not eq or key not in SPEC_OPTIONS:
            raise OhloraError(
                f"generator option {item!r}: write NAME:key=value,... with keys "
                f"{', '.join(SPEC_OPTIONS)} (e.g. stylegan-celeba-partial-256:psi=1.0)"
            )
        if key == "noise":
            if value not in ("random", "fixed"):
                raise OhloraError(f"noise={value!r}: use noise=random or noise=fixed")
            options[SPEC_OPTIONS[key]] = value == "random"
            continue
        try:
            options[SPEC_OPTIONS[key]] = int(value) if key in ("layers", "seed") else float(value)
        except ValueError:
            raise OhloraError(f"generator option {key}={value!r} is not a number") from None
    return name, options


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
        from ohlora.generators.stylegan import StyleGANGenerator

        return StyleGANGenerator.pretrained(name, **options)  # type: ignore[arg-type]
    raise OhloraError(
        f"unknown generator {name!r}: use dcgan-digiface-64 or "
        "stylegan-celeba-partial-256 (see `ohlora weights list`)"
    )
