"""The `ohlora` command: one subcommand per stage, each thin over the modules.

Subcommands live in `ohlora.commands.<name>`; each module defines NAME, HELP, ORDER,
`add_arguments(parser)` and `run(args) -> int`, and imports heavy libraries only inside `run`
so that `--help` stays fast. User errors (`OhloraError`) print as one line, exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from types import ModuleType

from ohlora import __version__
from ohlora.errors import OhloraError

EPILOG = """examples:
  ohlora demo                                   # the whole steering job on the embedded generator
  ohlora sample --n 2000 --run runs/a           # sample, analyse and score faces (resumable)
  ohlora edit --run runs/a --seed 7 --eyes 1.5 --mouth 0 --pose -1 --out face.png
"""


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Append "(default: X)" where an option has a real default its help does not already
    state, and keep the hand-made line breaks of descriptions and examples."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if (
            "default" not in text
            and action.default not in (None, False, argparse.SUPPRESS)
            and action.option_strings
        ):
            default = action.default
            if isinstance(default, list):
                default = ",".join(map(str, default)) or "none"
            text += f" (default: {default})"
        return text


def _command_modules() -> list[ModuleType]:
    import ohlora.commands as pkg

    mods = [
        importlib.import_module(f"ohlora.commands.{m.name}")
        for m in pkgutil.iter_modules(pkg.__path__)
        if not m.name.startswith("_")
    ]
    return sorted((m for m in mods if hasattr(m, "NAME")), key=lambda m: (m.ORDER, m.NAME))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ohlora",
        description="Steerable virtual-human faces: generate, analyse, score, find latent "
        "directions, edit, evaluate, animate.",
        epilog=EPILOG,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ohlora {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for mod in _command_modules():
        p = sub.add_parser(
            mod.NAME,
            help=mod.HELP,
            description=mod.DESCRIPTION,
            epilog=getattr(mod, "EPILOG", None),
            formatter_class=HelpFormatter,
        )
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script and of `python -m ohlora`."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except OhloraError as e:
        print(f"ohlora {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            f"ohlora {args.command}: interrupted; finished shards are kept, run the same "
            "command again to continue",
            file=sys.stderr,
        )
        return 130
