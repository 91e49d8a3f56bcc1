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
        ("seed,eyes,mouth,pose\n1,0,abc,0\n", r"row 0 \(line 2\): mouth 'abc' is not a number"),
        ("seed,eyes,mouth,pose\n1,0,0,0\nx,0,0,0\n", r"row 1 .*seed 'x' is not a whole number"),
        ("seed,eyes,mouth,pose\n-5,0,0,0\n", r"row 0 .*seed -5 is out of range"),
        ("seed,eyes,mouth,pose\n1,0,0,0\n\n2,0,0,0\n3,99,0,0\n", r"row 2 \(line 5\).*eyes 99.0"),
        ("seed,eyes,mouth,pose\n", "no rows"),
        ("seed,eyes,mouth,pose,out\n1,0,0,0,a.png\n2,0,0,0,a.png\n", "several rows write"),
        # strict: extra, missing, unknown and repeated cells are errors, never guessed
        ("seed,eyes,mouth,pose\n1,0,0,0,7\n", r"row 0 .*5 cells for 4 columns"),
        ("seed,eyes,mouth,pose\n1,0,0\n", r"row 0 .*3 cells for 4 columns"),
        ("seed,eyes,mouth,pose,smile\n1,0,0,0,1\n", "unknown column.*'smile'"),
        ("seed,eyes,mouth,pose,eyes\n1,0,0,0,1\n", "eyes appear more than once"),
        # out cells stay inside the output folder and name an image format we write
        ("seed,eyes,mouth,pose,out\n1,0,0,0,../../escape.png\n", "leaves the output folder"),
        ("seed,eyes,mouth,pose,out\n1,0,0,0,/tmp/abs.png\n", "leaves the output folder"),
        ("seed,eyes,mouth,pose,out\n1,0,0,0,a.gif\n", "not an image name"),
    ],
)
def test_bad_plans_name_the_row(tmp_path, text, match):
    with pytest.raises(OhloraError, match=match):
        read_plan(_plan(tmp_path, text), tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(OhloraError, match="does not exist"):
        read_plan(tmp_path / "nope.csv", tmp_path)


def test_a_target_for_a_property_the_directions_do_not_steer_is_refused(tmp_path):
    text = "seed,eyes,mouth,pose\n1,0,,\n2,,,1\n"
    with pytest.raises(OhloraError, match=r"row 1 .*pose is asked but the directions steer only"):
        read_plan(_plan(tmp_path, text), tmp_path, ["eyes", "mouth"])
    plan = read_plan(_plan(tmp_path, "seed,eyes,mouth,pose\n1,0,,\n"), tmp_path, ["eyes"])
    assert list(plan.targets) == ["eyes"]
