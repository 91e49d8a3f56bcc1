"""Provenance recorded in every run directory: package version, git commit, time, command."""

from __future__ import annotations

import datetime as _dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from ohlora import __version__


def git_commit() -> str | None:
    """The commit of the ohlora source tree, with '-dirty' when it has uncommitted changes.

    None when the package does not live in a git checkout (an installed wheel).
    """
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    try:
        sha = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{sha}-dirty" if dirty else sha


def provenance() -> dict[str, Any]:
    """What produced a run: version, commit, UTC time, argv, python."""
    return {
        "ohlora_version": __version__,
        "git_commit": git_commit(),
        "created_utc": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "argv": sys.argv,
        "python": sys.version.split()[0],
    }


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file so that readers see the old content or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        # a refused rename (`path` is a folder) or a full disk leaves no stray temp file
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_json(path: Path, obj: Any) -> None:
    """JSON twin of `atomic_write_bytes`, pretty-printed and key-sorted for diffable runs."""
    atomic_write_bytes(path, (json.dumps(obj, indent=2, sort_keys=True) + "\n").encode())


CHECKSUM = "checksum"


def checksum(obj: dict[str, Any]) -> str:
    """sha256 of a JSON object's content (key-sorted, the checksum field itself left out): the
    same before writing and after reading back, whatever the whitespace."""
    import hashlib

    body = {k: v for k, v in obj.items() if k != CHECKSUM}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def sealed(obj: dict[str, Any]) -> dict[str, Any]:
    """`obj` with its checksum, so that a changed byte is noticed when it is read back."""
    return {**obj, CHECKSUM: checksum(obj)}


def check_sealed(obj: Any, path: Path, remedy: str) -> None:
    """Refuse a JSON object whose recorded checksum differs from its content (files written
    before checksums, without one, pass), or whose checksum field's name was damaged: a
    flipped byte there would otherwise pass the file as one written before checksums, with
    any other change unchecked."""
    from ohlora.errors import OhloraError

    if not isinstance(obj, dict):
        return
    if CHECKSUM in obj and obj[CHECKSUM] != checksum(obj):
        raise OhloraError(
            f"{path} was changed after it was written (its checksum does not match): {remedy}"
        )
    if CHECKSUM not in obj and any(_near_checksum(k) for k in obj):
        raise OhloraError(
            f"{path} was changed after it was written (the name of its checksum field is "
            f"damaged): {remedy}"
        )


def _near_checksum(key: object) -> bool:
    """A key that is the checksum field's name with one or two characters changed."""
    return (
        isinstance(key, str)
        and len(key) == len(CHECKSUM)
        and sum(a != b for a, b in zip(key, CHECKSUM, strict=True)) <= 2
    )


def read_json(path: Path, remedy: str = "fix or delete it") -> Any:
    """Read a JSON file, turning a missing or corrupt file into a one-line user error that
    ends in `remedy` (what to do: which command rewrites the file)."""
    from ohlora.errors import OhloraError

    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise OhloraError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise OhloraError(f"{path} is a folder, not a JSON file: check the path") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        line = f" (line {e.lineno})" if isinstance(e, json.JSONDecodeError) else ""
        raise OhloraError(f"{path} is not valid JSON{line}: {remedy}") from None


def read_csv_text(path: Path, what: str) -> str:
    """The text of a hand-made CSV (`what`: "plan", "labels CSV", ...), a byte-order mark
    dropped; a missing or non-UTF-8 file is a one-line user error."""
    from ohlora.errors import OhloraError

    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise OhloraError(f"{what} {path} does not exist: give an existing file") from None
    except IsADirectoryError:
        raise OhloraError(f"{what} {path} is a folder: give the CSV file itself") from None
    except UnicodeDecodeError:
        raise OhloraError(f"{what} {path} is not UTF-8 text: save it as a CSV file") from None
