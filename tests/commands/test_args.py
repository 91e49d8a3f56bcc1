"""Shared options: one range per kind of seed, --scorer choices once, options -> parameters."""

from __future__ import annotations

import pytest

from ohlora.cli import build_parser, main
from ohlora.commands._args import params_from
from ohlora.editing.params import EditParams
from ohlora.evaluate.params import EvalParams
from ohlora.scorers.factory import SCORERS
from ohlora.vectorfind.params import FindParams

FACE_SEED_COMMANDS = [
    ["sample", "--run", "r"],
    ["generate", "--out", "o"],
    ["classify", "--run", "r"],
    ["label", "serve", "--run", "r"],
    ["edit", "--run", "r", "--out", "o"],
    ["animate", "--run", "r", "--out", "a.gif"],
]
RNG_SEED_COMMANDS = [
    ["find-directions", "--run", "r"],
    ["sweep", "--run", "r", "--n", "100", "--k", "0.2"],
    ["evaluate", "--run", "r"],
    ["train-classifiers", "--run", "r"],
    ["train-property-cnn", "--run", "r"],
]


def _parses(argv: list[str]) -> bool:
    try:
        build_parser().parse_args(argv)
    except SystemExit:
        return False
    return True


@pytest.mark.parametrize("argv", FACE_SEED_COMMANDS)
def test_every_face_seed_is_0_to_2_63_minus_1(argv, capsys):
    assert _parses([*argv, "--seed", str(2**63 - 1)])
    assert not _parses([*argv, "--seed", str(2**63)])
    assert not _parses([*argv, "--seed", "-1"])
    assert "out of range (0..9223372036854775807)" in capsys.readouterr().err


@pytest.mark.parametrize("argv", RNG_SEED_COMMANDS)
def test_every_rng_seed_is_0_to_2_32_minus_1(argv, capsys):
    assert _parses([*argv, "--seed", str(2**32 - 1)])
    assert not _parses([*argv, "--seed", str(2**32)])
    assert "out of range (0..4294967295)" in capsys.readouterr().err


def test_seeds_of_many_faces_must_stay_in_range(tmp_path, capsys):
    argv = ["generate", "--n", "3", "--seed", str(2**63 - 2), "--out", str(tmp_path / "f")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "leave the face-seed range 0..2^63-1" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "f").exists()


def test_scorer_choices_are_defined_once(capsys):
    for argv in (["sample", "--run", "r"], ["evaluate", "--run", "r"]):
        flag = "--scorer" if argv[0] == "sample" else "--judge"
        assert all(_parses([*argv, flag, s]) for s in SCORERS)
        assert not _parses([*argv, flag, "other"])


def test_the_carry_map_is_4_or_8_px():
    for cmd in (["edit", "--out", "o"], ["evaluate"], ["animate", "--seed", "1", "--out", "o"]):
        argv = [*cmd, "--run", "r", "--carry-res"]
        assert _parses([*argv, "4"]) and _parses([*argv, "8"]), cmd
        assert not _parses([*argv, "16"]), cmd


def test_options_become_stage_parameters_under_their_own_names():
    find = ["find-directions", "--run", "r", "--properties", "eyes,pose", "--keep", "mouth"]
    args = build_parser().parse_args(
        [*find, "--groups", "hair_color", "--val", "0.1", "--seed", "7", "--k", "300"]
    )
    p = params_from(args, FindParams)
    assert (p.properties, p.keep, p.groups) == (("eyes", "pose"), ("mouth",), ("hair_color",))
    assert (p.val, p.seed, p.k, p.n, p.layers) == (0.1, 7, 300.0, None, None)
    args = build_parser().parse_args(
        ["evaluate", "--run", "r", "--refine", "0", "--views", "2", "--judge", "cnn"]
    )
    e = params_from(args, EvalParams, edit=params_from(args, EditParams))
    assert (e.judge, e.edit.refine, e.edit.views, e.edit.scorer) == ("cnn", 0, 2, "mesh")
    assert params_from(args, EditParams, refine=3).refine == 3  # overrides win
