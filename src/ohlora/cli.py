"""The `ohlora` command: one subcommand per stage, each thin over the modules.

Subcommands live in `ohlora.commands.<name>`; each module defines NAME, HELP, ORDER,
`add_arguments(parser)` and `run(args) -> int`, and imports heavy libraries only inside `run`
so that `--help` stays fast. `main` is the one place failures become output: user errors
(`OhloraError`) and failed file operations (`OSError`: permissions, a folder where a file was
expected, a full disk) print as one line with exit status 2; any other exception prints one
short line asking for `--debug` (which shows the traceback), exit status 1.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from types import ModuleType

from ohlora import __version__, paths
from ohlora.errors import OhloraError

EPILOG = """examples:
  ohlora demo                                   # the whole steering job on the embedded generator
  ohlora sample --n 2000 --run runs/a           # sample, analyse and score faces (resumable)
  ohlora edit --run runs/a --seed 7 --eyes 1.5 --mouth 0 --pose -1 --out face.png
"""


INTERRUPTED = "interrupted; finished work is kept, run the same command again to continue"


def os_error_line(e: OSError) -> str:
    """One line for a failed file operation: the path, the system's reason, what to do."""
    where = f"{e.filename}: " if e.filename is not None else ""
    if e.filename2 is not None:
        where = f"{e.filename} -> {e.filename2}: "
    reason = e.strerror or e.__class__.__name__
    return (
        f"{where}{reason}: check the path (a folder where a file is expected, or the "
        "reverse) and its permissions, or choose another one"
    )


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
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the Python traceback of an unexpected error (accepted anywhere on the line)",
    )
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
        p.set_defaults(
            _run=mod.run,
            _interrupted=getattr(mod, "INTERRUPTED", INTERRUPTED),
            _out=getattr(mod, "OUT", None),
        )
    return parser


def check_paths(args: argparse.Namespace) -> None:
    """The paths every command shares, checked before any work: --run never a file, --plan an
    existing file, --out what the command's `OUT` says ("folder", or the file extensions it
    writes; None: the command checks it itself)."""
    if getattr(args, "run", None) is not None:
        paths.run_folder(args.run)
    if getattr(args, "plan", None) is not None:
        paths.input_file(args.plan, "--plan")
    out, kind = getattr(args, "out", None), args._out
    if out is not None and kind == "folder":
        paths.output_folder(out)
    elif out is not None and kind is not None:
        paths.output_file(out, kind)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script and of `python -m ohlora`."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    parser = build_parser()
    args = parser.parse_args(argv)
    prefix = f"ohlora {args.command}"
    try:
        check_paths(args)
        return int(args._run(args) or 0)
    except OhloraError as e:
        print(f"{prefix}: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        if debug:
            raise
        print(f"{prefix}: error: {os_error_line(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prefix}: {args._interrupted}", file=sys.stderr)
        return 130
    except Exception as e:
        if debug:
            raise
        text = str(e).splitlines()[0][:200] if str(e) else ""
        print(
            f"{prefix}: unexpected error {e.__class__.__name__}"
            + (f": {text}" if text else "")
            + " (a bug: run with --debug for the traceback and report it)",
            file=sys.stderr,
        )
        return 1
