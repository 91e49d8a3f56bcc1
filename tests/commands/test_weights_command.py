"""`ohlora weights`: the registry listed with every name whole, cached files verified, and a
missing NAME, FILE or cache told in one line."""

from __future__ import annotations

import pytest

from ohlora import weights
from tests.commands.cli import run_ohlora


def test_list_names_every_entry_whole_on_a_narrow_terminal(tmp_path, monkeypatch):
    monkeypatch.setenv("OHLORA_HOME", str(tmp_path / "empty"))
    monkeypatch.setenv("COLUMNS", "60")
    res = run_ohlora("weights", "list")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    for name in weights.REGISTRY:  # names are copied into commands: never folded
        row = next((ln for ln in lines if f" {name} " in ln), None)
        assert row is not None, name
        assert " no " in row  # nothing is cached in an empty home


def test_verify_rehashes_a_cached_entry(dcgan):
    res = run_ohlora("weights", "verify", "dcgan-digiface-64")
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("dcgan-digiface-64: ok (sha256 ")


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["verify"], "no weights are cached yet: run `ohlora weights fetch NAME`"),
        (["fetch"], "`ohlora weights fetch` needs a NAME"),
        (["import", "dcgan-digiface-64"], "needs the FILE to import"),
        (["fetch", "no-such-model"], "unknown weights 'no-such-model'; known: "),
    ],
)
def test_what_is_missing_is_one_line(tmp_path, monkeypatch, argv, says):
    monkeypatch.setenv("OHLORA_HOME", str(tmp_path / "empty"))
    res = run_ohlora("weights", *argv)
    assert res.returncode == 2
    assert says in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "empty" / "weights").exists()  # nothing half-made
