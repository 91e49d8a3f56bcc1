"""`ohlora generate`: write faces as PNGs plus the latents that made them."""

from __future__ import annotations

import argparse
from pathlib import Path

from ohlora.commands._args import add_face_seed_arg, add_generator_arg, float_range, int_range

OUT = "folder"  # what --out must be, checked by cli.check_paths
NAME = "generate"
ORDER = 20
HELP = "generate faces as PNG files and save their latents"
DESCRIPTION = """Generate N faces from seeds S .. S+N-1 (seed s means
numpy.random.default_rng(s).standard_normal(z_dim)), write OUT/000000.png ... and
OUT/latents.npy (float32 N x z_dim) and OUT/seeds.csv. With --finetune DIR the faces come
from a fine-tuned conditional generator (`ohlora finetune`) showing the asked --eyes /
--mouth / --pose (normalised units; unasked ones at the population mean, 0)."""
EPILOG = """example:
  ohlora generate --n 16 --seed 0 --out faces/
  ohlora generate --finetune runs/a/finetune-v3 --eyes 1.8 --mouth 0.8 --pose -1.2 --out f/
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--n", type=int_range(1, 1_000_000), default=16, help="number of faces (1..1e6)")
    add_face_seed_arg(p, "first seed")
    p.add_argument("--out", type=Path, required=True, help="output folder (created)")
    p.add_argument(
        "--upscale",
        type=int_range(1, 16),
        default=1,
        help="integer (bicubic) upscale factor for the PNGs (1..16)",
    )
    add_generator_arg(p)
    p.add_argument(
        "--finetune",
        type=Path,
        default=None,
        help="a fine-tuned model folder (`ohlora finetune`): generate with asked properties",
    )
    for prop in ("eyes", "mouth", "pose"):
        p.add_argument(
            f"--{prop}",
            type=float_range(-10, 10),
            default=None,
            help=f"with --finetune: asked {prop} in normalised units (-10..10; default 0)",
        )


def run(args: argparse.Namespace) -> int:
    import numpy as np
    from PIL import Image

    from ohlora import generators
    from ohlora.errors import OhloraError
    from ohlora.generators.seeds import check_seed_span
    from ohlora.progress import progress_bar

    check_seed_span(args.seed, args.n)
    asked = {p: getattr(args, p) for p in ("eyes", "mouth", "pose") if getattr(args, p) is not None}
    if args.finetune is not None:
        from ohlora.finetune.model import FineTunedModel

        model = FineTunedModel.load(args.finetune)
        model.condition(asked, 1)  # refuses properties the model does not take
        g = model

        def synthesize(latents: np.ndarray) -> np.ndarray:
            return model.generate(latents, asked)

        z = model.latents_for_seeds(list(range(args.seed, args.seed + args.n)))
    else:
        if asked:
            raise OhloraError("--eyes / --mouth / --pose need --finetune DIR (or use ohlora edit)")
        g = generators.load(args.generator)
        synthesize = g.synthesize
        z = g.sample_latents(args.n, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    np.save(args.out / "latents.npy", z)
    (args.out / "seeds.csv").write_text(
        "index,seed\n" + "".join(f"{i},{args.seed + i}\n" for i in range(args.n))
    )
    step = 256
    with progress_bar() as bar:
        task = bar.add_task("generate", total=args.n)
        for i in range(0, args.n, step):
            for j, img in enumerate(synthesize(z[i : i + step])):
                im = Image.fromarray(img)
                if args.upscale > 1:
                    size = g.resolution * args.upscale
                    im = im.resize((size, size), Image.BICUBIC)
                im.save(args.out / f"{i + j:06d}.png")
            bar.advance(task, min(step, args.n - i))
    print(args.out)
    return 0
