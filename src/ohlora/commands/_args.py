"""Options shared by subcommands, each with one range everywhere, and the bridge from parsed
options to a stage's parameter dataclass (`params_from`).

Seeds come in two kinds:
* face seeds (`add_face_seed_arg`): which face, by the seed rule; 0..2^63-1, the range of a
  sample store's int64 seed column. A command that makes N faces from SEED checks that
  SEED+N-1 stays inside it.
* rng seeds (`add_rng_seed_arg`): seed a random draw (a validation split, folds, weight
  initialisation, the choice of test faces); 0..2^32-1, the range scikit-learn's
  `random_state` accepts (numpy and torch take it too).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar

from ohlora.generators.seeds import SEED_MAX, SEED_RANGE
from ohlora.properties.columns import DEFAULT_ALGORITHM, PROPERTIES
from ohlora.scorers.factory import SCORERS

RNG_SEED_MAX = 2**32 - 1
RNG_SEED_RANGE = "0..2^32-1"
PROTOCOL_NAMES = ("v7", "v3")
ALGORITHM_CHOICES = ("landmark", "1", "2")

P = TypeVar("P")


def params_from(args: argparse.Namespace, cls: type[P], **overrides: Any) -> P:
    """`cls` (a stage's frozen parameter dataclass) filled from the options of the same
    names, lists as tuples; `overrides` win; fields without an option keep their defaults."""
    values: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if hasattr(args, f.name):
            v = getattr(args, f.name)
            values[f.name] = tuple(v) if isinstance(v, list) else v
    return cls(**{**values, **overrides})


def int_range(lo: int, hi: int | None = None) -> Callable[[str], int]:
    """An argparse type accepting integers in lo..hi (hi None: no upper bound)."""

    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if v < lo or (hi is not None and v > hi):
            rng = f"{lo}..{hi}" if hi is not None else f">= {lo}"
            raise argparse.ArgumentTypeError(f"{v} is out of range ({rng})")
        return v

    return parse


def float_range(lo: float, hi: float) -> Callable[[str], float]:
    """An argparse type accepting finite floats in lo..hi."""

    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not lo <= v <= hi:
            raise argparse.ArgumentTypeError(f"{v} is out of range ({lo}..{hi})")
        return v

    return parse


def k_value(text: str) -> float:
    """Top/bottom k: a fraction in (0, 0.5] or a whole count >= 1."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not ((0 < v <= 0.5) or (v >= 1 and v.is_integer())):
        raise argparse.ArgumentTypeError(f"k={v}: give a fraction in (0, 0.5] or a count >= 1")
    return v


def property_list(text: str) -> list[str]:
    """Comma-separated property names, each one of the seven."""
    names = [t.strip() for t in text.split(",") if t.strip()]
    bad = [n for n in names if n not in PROPERTIES]
    if bad:
        raise argparse.ArgumentTypeError(
            f"unknown propert{'ies' if len(bad) > 1 else 'y'} "
            f"{', '.join(bad)}; choose from {', '.join(PROPERTIES)}"
        )
    return names


def layer_list(text: str) -> list[int]:
    """Comma-separated w+ layer indices, sorted, each once."""
    try:
        return sorted({int(t) for t in text.split(",") if t.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"layers {text!r}: give indices like 0,1,2,3") from None


def add_face_seed_arg(
    p: argparse.ArgumentParser,
    help: str,
    *,
    flag: str = "--seed",
    default: int | None = 0,
    required: bool = False,
) -> None:
    """A face seed (0..2^63-1): the face the seed rule makes of it."""
    p.add_argument(
        flag,
        type=int_range(0, SEED_MAX),
        default=None if required else default,
        required=required,
        help=f"{help} ({SEED_RANGE})",
    )


def add_rng_seed_arg(p: argparse.ArgumentParser, help: str) -> None:
    """--seed of a random draw (0..2^32-1), default 0."""
    p.add_argument(
        "--seed", type=int_range(0, RNG_SEED_MAX), default=0, help=f"{help} ({RNG_SEED_RANGE})"
    )


def add_scorer_arg(
    p: argparse.ArgumentParser, help: str, *, flag: str = "--scorer", default: str | None = "mesh"
) -> None:
    """--scorer / --judge: mesh (mediapipe) or cnn (the property CNN)."""
    p.add_argument(flag, choices=SCORERS, default=default, help=help)


def add_generator_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--generator",
        default="dcgan-digiface-64",
        help="generator weights name (see `ohlora weights list`), optionally with StyleGAN "
        "options: NAME:psi=0.7,layers=8,mixing=0.0,noise=fixed (truncation psi, truncated "
        "layers, style-mixing probability, noise); the run records it for later stages",
    )


def add_workers_arg(p: argparse.ArgumentParser) -> None:
    """--workers: mediapipe analysis processes, the same range and default everywhere."""
    p.add_argument(
        "--workers",
        type=int_range(0, 64),
        default=2,
        help="face-analysis worker processes (0..64; 0 = in-process)",
    )


def add_directions_arg(p: argparse.ArgumentParser) -> None:
    """--directions: a directions folder (or its JSON) kept outside RUN/directions."""
    p.add_argument(
        "--directions",
        type=Path,
        default=None,
        help="directions folder or directions.json (default RUN/directions)",
    )


def add_edit_run_args(p: argparse.ArgumentParser) -> None:
    """--run (normalisation, and directions unless --directions) and --directions: what an
    editor over a run opens."""
    p.add_argument(
        "--run",
        type=Path,
        required=True,
        help="run directory (its normalisation, and directions unless --directions)",
    )
    add_directions_arg(p)


def add_refine_arg(p: argparse.ArgumentParser, default: int = 2, help: str = "") -> None:
    """--refine: closed-loop correction rounds of the edit (0..10)."""
    p.add_argument(
        "--refine",
        type=int_range(0, 10),
        default=default,
        help=help or "closed-loop correction rounds of the edit (0..10; 0 = open loop)",
    )


def add_method_arg(p: argparse.ArgumentParser) -> None:
    """--method: how the edit renders (auto, local, calibrated, seed)."""
    p.add_argument(
        "--method",
        choices=["auto", "local", "calibrated", "seed"],
        default="auto",
        help="local: eyes and mouth edited only inside their face regions, pose on the whole "
        "person, the background kept (needs a generator with feature access: the DCGAN); "
        "calibrated: the whole step on the whole face; seed: the original's rule (asked value "
        "x unit direction), as a baseline; auto (default): local where the generator allows, "
        "else calibrated",
    )


def add_max_turn_arg(p: argparse.ArgumentParser) -> None:
    """--max-turn and --soft-turn: how far the pose may move from the base face's (standard
    deviations), cut off or eased off."""
    from ohlora.editing.params import DEFAULT_SOFT_TURN

    person = "turns beyond about 1 sd change the person on the embedded DCGAN"
    limits = {
        "--max-turn": (
            0.05,
            None,
            "limit how far the pose moves from the face's own pose, in standard deviations "
            f"(0.05..10; default: as far as asked); {person}",
        ),
        "--soft-turn": (
            0.0,
            DEFAULT_SOFT_TURN,
            "ease large turns off: the pose moves SD x tanh(asked turn / SD) from the face's "
            "own pose, so small turns are as asked, larger ones in the same order but at most "
            f"about SD (0..10; 0 = as asked; default {DEFAULT_SOFT_TURN}; --method seed "
            f"ignores it); {person}",
        ),
    }
    for flag, (lo, default, text) in limits.items():
        p.add_argument(flag, type=float_range(lo, 10.0), default=default, metavar="SD", help=text)


def add_mirror_turn_arg(p: argparse.ArgumentParser) -> None:
    """--mirror-turn: far turns to the other side drawn as the mirror image of shorter ones
    (still images only: `edit` and `evaluate`, never a clip or the studio's slider)."""
    from ohlora.editing.params import DEFAULT_MIRROR_TURN

    p.add_argument(
        "--mirror-turn",
        type=float_range(0.0, 10.0),
        default=DEFAULT_MIRROR_TURN,
        metavar="SD",
        help="draw a turn to the other side of the face's own pose as the mirror image of the "
        "face turned the shorter way, where that saves at least SD standard deviations of "
        "turning and the face's mirror image confirms the side its pose is read on "
        "(0..10; 0 = never; default "
        f"{DEFAULT_MIRROR_TURN}): a face and its mirror image are the same person, a far "
        "turn of the embedded DCGAN is another one; the whole picture is mirrored, hair "
        "parting and background included; --method seed ignores it",
    )


def add_carry_arg(p: argparse.ArgumentParser) -> None:
    """--carry, --region-carry, --carry-res, --region-steps and --turn-carry: how much of the
    unedited face a region-local edit carries into the edited one, and what its regions
    show."""
    from ohlora.editing.params import (
        CARRY_RESOLUTIONS,
        DEFAULT_CARRY,
        DEFAULT_CARRY_RES,
        DEFAULT_REGION_CARRY,
        DEFAULT_REGION_STEPS,
        DEFAULT_TURN_CARRY,
        REGION_STEPS,
    )

    def share(flag: str, hi: float, default: float, text: str) -> None:
        p.add_argument(flag, type=float_range(0.0, hi), default=default, metavar="SHARE", help=text)

    share(
        "--carry",
        0.95,
        DEFAULT_CARRY,
        "region-local edits: the share of the edited face's coarse features taken from "
        "the unedited face, moved along the face's landmarks into the new pose and "
        f"expression (0..0.95; 0 = none; default {DEFAULT_CARRY}); keeps the person while "
        "the head turns, at some cost in how far eyes and mouth obey",
    )
    share(
        "--region-carry",
        1.0,
        DEFAULT_REGION_CARRY,
        "how much of --carry applies inside the asked eyes and mouth regions (0..1; "
        f"1 = as elsewhere, the most of the person kept; 0 = none, the most obedience; "
        f"default {DEFAULT_REGION_CARRY})",
    )
    p.add_argument(
        "--carry-res",
        type=int,
        choices=CARRY_RESOLUTIONS,
        default=DEFAULT_CARRY_RES,
        metavar="PX",
        help="the size of the carried feature map: 4 = little more than who the face is; 8 = "
        "some of its eyes and mouth too (the default before, with --carry 0.5 --region-carry "
        f"0.5) (4 or 8; default {DEFAULT_CARRY_RES})",
    )
    p.add_argument(
        "--region-steps",
        choices=REGION_STEPS,
        default=DEFAULT_REGION_STEPS,
        help="what each asked region shows: own = the turned face plus that region's step "
        "alone (keeps more of the person), shared = the whole edit in the eyes and the mouth "
        f"alike (the default before); default {DEFAULT_REGION_STEPS}",
    )
    share(
        "--turn-carry",
        1.0,
        DEFAULT_TURN_CARRY,
        "inside the asked eyes and mouth regions of a turned face, the share of the "
        "turn's carry added to the region's own features, its step kept (0..1; 0 = none, "
        "the turned latent's new person shows there; 1 = more of the person, a smaller "
        f"turn; default {DEFAULT_TURN_CARRY})",
    )


def add_views_arg(p: argparse.ArgumentParser, help: str) -> None:
    """--views: test-time views the edit's measurements average (1..4)."""
    p.add_argument("--views", type=int_range(1, 4), default=1, help=f"{help} (1..4)")


def add_test_args(p: argparse.ArgumentParser, cases_help: str) -> None:
    """--cases and --protocol of the generation test."""
    p.add_argument("--cases", type=int_range(1, 100_000), default=20, help=f"{cases_help} (1..1e5)")
    p.add_argument(
        "--protocol", choices=PROTOCOL_NAMES, default="v7", help="asked grid and pass rule"
    )


def add_algorithm_arg(p: argparse.ArgumentParser, help: str) -> None:
    """--algorithm: which property algorithm's score columns stand for the properties."""
    p.add_argument("--algorithm", choices=ALGORITHM_CHOICES, default=DEFAULT_ALGORITHM, help=help)
