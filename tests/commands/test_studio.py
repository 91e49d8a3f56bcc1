"""`ohlora studio` and `ohlora animate` refuse bad start-up input with one line, before serving."""

from __future__ import annotations

import pytest

from ohlora.cli import main


def test_studio_rejects_a_missing_run_and_a_malformed_filter(tmp_path, capsys):
    assert main(["studio", "--run", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and len(err.strip().splitlines()) == 1
    assert main(["studio", "--run", str(tmp_path), "--filter", "gender>>1"]) == 2
    err = capsys.readouterr().err
    assert "cannot read filter condition" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv", [["--port", "70000"], ["--faces", "-1"]])
def test_studio_rejects_out_of_range_options(tmp_path, capsys, argv):
    with pytest.raises(SystemExit):
        main(["studio", "--run", str(tmp_path), *argv])
    assert "out of range" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["studio", "animate"])
def test_help_shows_an_example(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert f"ohlora {command} --run runs/a" in out and "default" in out
