"""Edit plans: valid CSVs parse; each kind of bad row is one error naming the row."""

from __future__ import annotations

import math

import pytest

from ohlora.editing.plan import read_plan
from ohlora.errors import OhloraError


def _plan(tmp_path, text):
    p = tmp_path / "plan.csv"
    p.write_text(text)
    return p


def test_valid_plan(tmp_path):
    plan = read_plan(
        _plan(tmp_path, "seed,eyes,mouth,pose,out\n1,0.5,-1,,a.png\n2,1,0,2,\n"), tmp_path / "o"
    )
    assert plan.seeds.tolist() == [1, 2]
    assert plan.targets["eyes"].tolist() == [0.5, 1.0]
    assert math.isnan(plan.targets["pose"][0])
    assert plan.outs == [tmp_path / "o" / "a.png", tmp_path / "o" / "00001.png"]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("seed,eyes,mouth\n1,0,0\n", "missing column.*pose"),
        ("seed,eyes,mouth,pose\n1,0,abc,0\n", r"row 1 \(line 2\): mouth 'abc' is not a number"),
        ("seed,eyes,mouth,pose\n1,0,0,0\nx,0,0,0\n", r"row 2 .*seed 'x' is not a whole number"),
        ("seed,eyes,mouth,pose\n-5,0,0,0\n", r"row 1 .*seed -5 is out of range"),
        ("seed,eyes,mouth,pose\n1,0,0,0\n2,0,0,0\n3,99,0,0\n", r"row 3 .*eyes 99.0 is outside"),
        ("seed,eyes,mouth,pose\n", "no rows"),
        ("seed,eyes,mouth,pose,out\n1,0,0,0,a.png\n2,0,0,0,a.png\n", "several rows write"),
        ("seed,eyes,mouth,pose\n1,0,0,0,7\n", "more cells than header"),
    ],
)
def test_bad_plans_name_the_row(tmp_path, text, match):
    with pytest.raises(OhloraError, match=match):
        read_plan(_plan(tmp_path, text), tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(OhloraError, match="does not exist"):
        read_plan(tmp_path / "nope.csv", tmp_path)
