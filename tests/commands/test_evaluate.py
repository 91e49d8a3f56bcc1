"""`ohlora evaluate` on the shared small real run writes the report."""

from __future__ import annotations

import csv
import json

import pytest

from tests.commands.cli import run_ohlora


@pytest.mark.slow
def test_evaluate_writes_the_report(small_run, tmp_path):
    out = tmp_path / "eval"
    res = run_ohlora(
        "evaluate", "--run", small_run, "--cases", 1, "--protocol", "v7", "--out", out,
        "--workers", 0,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["cases"] == 1 and len(report["per_case"]) == 1
    assert 0 <= report["passed_v7"] <= 1 and set(report["mean_corr"]) == {"eyes", "mouth", "pose"}
    keep = report["keeping"]
    assert keep["identity"]["faces"] == 50  # every edited face against its unedited face
    assert 0 <= keep["identity"]["same_person_share"] <= 1
    by_turn = keep["identity"]["by_turn"]  # the 50 faces split by how far they were turned
    assert sum(b["faces"] for b in by_turn) == 50 and by_turn[0]["turn_from"] == 0.0
    assert set(keep["unasked_mae"]) == {
        "hair_color", "hair_length", "background_mean", "background_std"
    }  # fmt: skip
    assert 0 <= keep["background_change"] <= 255
    assert set(keep["independent"]["mean_corr"]) == {"eyes", "mouth", "pose"}
    pop = report["population"]  # the small run has no classifiers: shares skipped, noted
    assert pop["faces"] == 50 and pop["faces_found"] == 50 - report["faces_lost"]
    assert "women_share" not in pop and any("no gender classifier" in n for n in pop["notes"])
    # one case: no diversity (its formula: tests/evaluate/test_population.py; the descriptor
    # telling two people apart: tests/scorers/dlib/test_analysis.py)
    assert (
        pop["diversity_faces"] == 1
        and "diversity needs the dlib judge and two cases" in pop["notes"]
    )
    assert "faces found" in res.stdout
    assert report["context"]["method"] == "local"  # the default editor of the DCGAN
    assert report["context"]["region steps"] == "own"
    assert report["context"]["carry res"] == 4 and report["context"]["region carry"] == 0.0
    rows = list(csv.DictReader((out / "cases.csv").open()))
    assert len(rows) == 1 and float(rows[0]["identity_distance"]) > 0
    # far turns to the other side drawn mirrored by default, and counted where they are
    assert report["context"]["mirror turn"] == 1.0
    mirrored = report["mirrored"]
    assert 0 <= mirrored <= 50 and int(rows[0]["mirrored"]) == mirrored
    assert report["per_case"][0]["mirrored"] == mirrored
    md = (out / "report.md").read_text()
    assert "eyes" in md and ".png" in md and "What the edits keep" in md and "Population" in md
    assert f"shorter turn (`--mirror-turn`): {mirrored} of 50" in md
    assert "asked turn 0 to 1 sd" in md or "asked turn 1 to 2 sd" in md
    for name in (p.split("](")[1].rstrip(")") for p in md.split("![")[1:]):
        assert (out / name.split(")")[0]).is_file(), name


def test_max_turn_with_a_fine_tuned_generator_is_refused(tmp_path):
    res = run_ohlora(
        "evaluate", "--run", tmp_path, "--finetune", tmp_path, "--max-turn", 1.0, "--cases", 1
    )  # fmt: skip
    assert res.returncode != 0 and "drop --max-turn or --finetune" in res.stderr, res.stderr
    assert "Traceback" not in res.stderr
