"""`ohlora strips` ranks each property."""

from __future__ import annotations

from PIL import Image

from tests.commands.cli import run_ohlora


def test_strips_rank_each_property(small_run, tmp_path):
    out = tmp_path / "strips.png"
    res = run_ohlora("strips", "--run", small_run, "--out", out, "--count", 4)
    assert res.returncode == 0, res.stderr
    w, h = Image.open(out).size
    assert w > 8 * 64 and h > 7 * 64  # 7 properties, 4 + 4 faces each
