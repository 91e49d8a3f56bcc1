"""One place that checks the paths users give (--out, --run, --plan, a plan's out cells).

Each check raises `OhloraError` with one line naming the path and saying what to give
instead, before any work starts, so that a wrong path never ends in a traceback halfway
through a job or in a stray temporary file. `confined` keeps paths read from files (a plan's
`out` column) inside the output folder the user chose.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ohlora.errors import OhloraError


def _blocking_file(path: Path) -> Path | None:
    """The first existing non-folder among `path`'s parents (it makes `path` uncreatable)."""
    for parent in reversed(Path(path).parents):
        if parent.exists() and not parent.is_dir():
            return parent
    return None


def _check_parents(path: Path, flag: str) -> None:
    blocking = _blocking_file(path)
    if blocking is not None:
        raise OhloraError(
            f"{flag} {path}: {blocking} is a file, not a folder: choose a path under a folder"
        )


def output_folder(path: Path, flag: str = "--out") -> Path:
    """A folder to write into (created later): refused when it is an existing file."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OhloraError(f"{flag} {path} is a file, not a folder: give a folder path")
    _check_parents(path, flag)
    return path


def output_file(path: Path, suffixes: Iterable[str], flag: str = "--out") -> Path:
    """A file to write: refused when it is an existing folder or its extension is not one of
    `suffixes` (lower-case, with the dot), so the bytes written always match the name."""
    path = Path(path)
    allowed = tuple(suffixes)
    if path.is_dir():
        raise OhloraError(
            f"{flag} {path} is a folder: give a file name ending in {' or '.join(allowed)}"
        )
    if path.suffix.lower() not in allowed:
        raise OhloraError(
            f"{flag} {path}: unsupported file type {path.suffix or '(none)'!r}; "
            f"give a name ending in {' or '.join(allowed)}"
        )
    _check_parents(path, flag)
    return path


def input_file(path: Path, flag: str) -> Path:
    """An existing regular file to read."""
    path = Path(path)
    if path.is_dir():
        raise OhloraError(f"{flag} {path} is a folder: give the file itself")
    if not path.is_file():
        raise OhloraError(f"{flag} {path} does not exist: give an existing file")
    if not os.access(path, os.R_OK):
        raise OhloraError(f"{flag} {path} is not readable: check its permissions")
    return path


def run_folder(path: Path, flag: str = "--run", *, must_exist: bool = False) -> Path:
    """A run directory: never an existing file; with `must_exist`, an existing folder."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OhloraError(f"{flag} {path} is a file, not a run folder: give a folder path")
    if must_exist and not path.is_dir():
        raise OhloraError(f"{flag} {path} does not exist: check the path")
    _check_parents(path, flag)
    return path


def confined(root: Path, relative: str, what: str) -> Path:
    """`root / relative`, refused when `relative` is absolute or climbs out of `root`
    (`..`), so a file read from disk can never make us write elsewhere."""
    rel = Path(relative)
    if rel.is_absolute() or rel.drive or ".." in rel.parts:
        raise OhloraError(
            f"{what} {relative!r} leaves the output folder: give a path relative to it, "
            "without '..'"
        )
    return Path(root) / rel
