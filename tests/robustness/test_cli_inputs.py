"""Generated bad command lines and plans: every value past a range, every path of the wrong
kind and every mutated plan ends in one line and a nonzero exit (never a traceback)."""

from __future__ import annotations

import argparse
import contextlib
import io
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ohlora.cli import build_parser, main
from ohlora.editing.plan import read_plan
from ohlora.errors import OhloraError
from tests.robustness.conftest import COUNTS


def _typed_options() -> list[tuple[str, argparse.Action]]:
    """(command, action) for every option that parses its value with a type."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    out = []
    for name, p in sub.choices.items():
        for a in p._actions:
            if a.type not in (None, str, Path) and a.option_strings:
                out.append((name, a))
    return out


OPTIONS = _typed_options()
VALUES = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "-0", "1e400", "nan", "0x10", "1,5", "٣", " 7", "--", "1_000"]),
    st.text(max_size=8),
)


@given(option=st.sampled_from(OPTIONS), value=VALUES)
def test_every_typed_option_parses_or_refuses_in_one_line(option, value):
    """argparse turns ArgumentTypeError / ValueError / TypeError of a type into its one-line
    usage error; anything else a type raises would be a traceback."""
    command, action = option
    COUNTS["inputs"] += 1
    try:
        got = action.type(value)
    except (argparse.ArgumentTypeError, ValueError, TypeError):
        COUNTS["refused"] += 1
        return
    COUNTS["same"] += 1
    for v in got if isinstance(got, list) else [got]:
        assert not isinstance(v, float) or math.isfinite(v), (command, action.dest, value)


def _run_cli(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as e:
            code = int(e.code or 0)
    return code, err.getvalue()


def test_wrong_kinds_of_path_are_one_line_before_any_work(tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    a_dir = tmp_path / "dir"
    a_dir.mkdir()
    cases = [
        (["sample", "--run", a_file, "--n", "10"], "is a file, not a run folder"),
        (["generate", "--out", a_file, "--n", "1"], "is a file, not a folder"),
        (["generate", "--out", a_file / "sub", "--n", "1"], "is a file, not a folder"),
        (["strips", "--run", a_dir, "--out", a_dir], "is a folder"),
        (["strips", "--run", a_dir, "--out", tmp_path / "s.jpg"], "unsupported file type"),
        (["animate", "--run", a_dir, "--seed", "1", "--out", a_dir], "is a folder"),
        (["edit", "--run", a_dir, "--plan", a_dir, "--out", tmp_path / "o"], "is a folder"),
        (["edit", "--run", a_dir, "--plan", tmp_path / "no.csv", "--out", a_dir], "not exist"),
        (["find-directions", "--run", a_dir, "--out", a_file], "is a file, not a folder"),
    ]
    for argv, match in cases:
        code, err = _run_cli([str(x) for x in argv])
        COUNTS["inputs"] += 1
        COUNTS["refused"] += 1
        assert code == 2 and match in err and "Traceback" not in err, (argv, err)
        assert len(err.strip().splitlines()) == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir", "file.txt"]  # nothing stray


def test_unexpected_errors_are_one_line_and_debug_shows_the_traceback(monkeypatch):
    import ohlora.commands.generate as gen

    def boom(args):
        raise ZeroDivisionError("planted")

    monkeypatch.setattr(gen, "run", boom)
    code, err = _run_cli(["generate", "--out", "x"])
    assert code == 1 and "run with --debug" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(ZeroDivisionError):
        main(["generate", "--out", "x", "--debug"])


HEADER = ["seed", "eyes", "mouth", "pose", "out"]
CELLS = st.one_of(
    st.sampled_from(["", "0", "1.5", "-11", "nan", "inf", "x", "7", "a.png", "../e.png", "/a.png"]),
    st.text(alphabet=',"\n ab.0123-/', max_size=6),
)


@given(
    header=st.lists(st.sampled_from([*HEADER, "smile", "", "Seed"]), min_size=0, max_size=7),
    rows=st.lists(st.lists(CELLS, max_size=7), max_size=4),
)
def test_mutated_plans_parse_or_refuse_in_one_line(tmp_path_factory, header, rows):
    folder = tmp_path_factory.mktemp("plan")
    text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    path = folder / "plan.csv"
    path.write_text(text)
    COUNTS["inputs"] += 1
    try:
        plan = read_plan(path, folder / "out", ["eyes", "mouth", "pose"])
    except OhloraError as e:
        assert "\n" not in str(e)
        COUNTS["refused"] += 1
        return
    COUNTS["same"] += 1
    for out in plan.outs:  # whatever was accepted stays inside the output folder
        assert (folder / "out") in out.resolve().parents
