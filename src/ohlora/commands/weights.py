"""`ohlora weights`: list, fetch, verify and import registered weights."""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "weights"
ORDER = 10
HELP = "list, fetch, verify or import pretrained weights (the only downloads ohlora makes)"
DESCRIPTION = """Manage the weights registry. Every file has a known origin and sha256; fetched
files
are verified, converted once to safetensors + JSON and cached in $OHLORA_HOME (default
$XDG_CACHE_HOME/ohlora)."""
EPILOG = """examples:
  ohlora weights list
  ohlora weights fetch dcgan-digiface-64
  ohlora weights verify
  ohlora weights import dcgan-digiface-64 gan_face_generate-1.1.1-py3-none-any.whl
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "action",
        choices=["list", "fetch", "verify", "import"],
        help="list: show entries; fetch NAME: download+verify+convert; "
        "verify [NAME]: re-hash cached files; import NAME FILE: install offline",
    )
    p.add_argument("name", nargs="?", help="registry entry (all cached ones for verify)")
    p.add_argument("file", nargs="?", type=Path, help="for import: the wheel or checkpoint file")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from ohlora import weights
    from ohlora.errors import OhloraError

    out = Console()
    if args.action == "list":
        rows = weights.describe()
        table = Table()
        # names are copied into commands: never cut or folded, whatever the terminal width
        width = max([len(r["name"]) for r in rows] + [4])
        table.add_column("name", no_wrap=True, min_width=width)
        table.add_column("cached", no_wrap=True)
        table.add_column("source", overflow="fold")
        table.add_column("description", overflow="fold")
        for row in rows:
            table.add_row(row["name"], row["cached"], row["source"], row["description"])
        out.print(table)
        return 0
    if args.action == "verify":
        names = (
            [args.name]
            if args.name
            else [r["name"] for r in weights.describe() if r["cached"] == "yes"]
        )
        if not names:
            raise OhloraError("no weights are cached yet: run `ohlora weights fetch NAME`")
        for name in names:
            print(f"{name}: ok (sha256 {weights.verify(name)})")
        return 0
    if not args.name:
        raise OhloraError(f"`ohlora weights {args.action}` needs a NAME; see `ohlora weights list`")
    if args.action == "fetch":
        print(weights.fetch(args.name))
        return 0
    if args.file is None:
        raise OhloraError("`ohlora weights import NAME FILE` needs the FILE to import")
    print(weights.import_file(args.name, args.file))
    return 0
