"""Face generators behind one protocol, and a loader by name."""

from __future__ import annotations

from ohlora.errors import OhloraError
from ohlora.generators.base import Generator, latent_for_seed, latents_for_seeds

DEFAULT_GENERATOR = "dcgan-digiface-64"

__all__ = ["DEFAULT_GENERATOR", "Generator", "latent_for_seed", "latents_for_seeds", "load"]


def load(name: str = DEFAULT_GENERATOR, **options: object) -> Generator:
    """Load a generator by its weights name (fetching the weights through the registry).

    `options` go to generators that take them (e.g. StyleGAN truncation); none for the DCGAN.
    """
    if name == "dcgan-digiface-64":
        from ohlora.generators.dcgan import DCGANGenerator

        return DCGANGenerator.pretrained()
    if name.startswith("stylegan"):
        try:
            from ohlora.generators.stylegan import StyleGANGenerator
        except ModuleNotFoundError:
            raise OhloraError("the StyleGAN generator is not available in this version") from None
        return StyleGANGenerator.pretrained(name, **options)  # type: ignore[arg-type]
    raise OhloraError(
        f"unknown generator {name!r}: use dcgan-digiface-64 or "
        "stylegan-celeba-partial-256 (see `ohlora weights list`)"
    )
