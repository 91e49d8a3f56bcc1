"""Argument types shared by subcommands: each rejects bad input with a message naming the range."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


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
