"""The labelling sheet: every key is on disk at once; undo; reopening resumes and never drops."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.classifiers.labels import read_labels
from ohlora.errors import OhloraError
from ohlora.studio.label_sheet import LabelSheet


def _disk(sheet: LabelSheet) -> list[tuple[float, float, bool]]:
    s = read_labels(sheet.path)
    return [
        (float(g), float(q), bool(k))
        for g, q, k in zip(s.gender, s.quality, s.skipped, strict=True)
    ]


def test_keys_are_saved_at_once_and_undo_reverts(tmp_path):
    sheet = LabelSheet.open(tmp_path / "labels.csv", np.arange(100, 104))
    assert sheet.first_unlabelled() == 0 and sheet.labelled_count() == 0
    sheet.press(0, "w")
    assert _disk(sheet)[0][0] == 1.0 and np.isnan(_disk(sheet)[0][1])
    assert sheet.first_unlabelled() == 0  # one label is not done yet
    sheet.press(0, "b")
    assert _disk(sheet)[0][:2] == (1.0, 0.0)
    sheet.press(1, "s")
    assert _disk(sheet)[1][2] is True
    sheet.press(1, "M")  # labelling a skipped face clears the skip
    assert _disk(sheet)[1][0] == 0.0 and not _disk(sheet)[1][2]
    assert sheet.undo() == 1 and _disk(sheet)[1][2] is True
    assert sheet.undo() == 1 and not _disk(sheet)[1][2] and np.isnan(_disk(sheet)[1][0])
    assert sheet.first_unlabelled() == 1 and sheet.labelled_count() == 1
    with pytest.raises(OhloraError, match="unknown labelling key"):
        sheet.press(2, "x")
    with pytest.raises(OhloraError, match="does not exist"):
        sheet.press(9, "w")


def test_reopening_resumes_grows_and_refuses_other_seeds(tmp_path):
    path = tmp_path / "labels.csv"
    sheet = LabelSheet.open(path, np.arange(3))
    sheet.press(0, "w")
    sheet.press(0, "g")
    again = LabelSheet.open(path, np.arange(5))  # more faces: labels kept, rows added
    assert len(again) == 5 and again.first_unlabelled() == 1
    assert again.face(0)["gender"] == 1 and again.face(0)["quality"] == 1
    fewer = LabelSheet.open(path, np.arange(2))  # fewer asked: nothing is dropped
    assert len(fewer) == 5
    with pytest.raises(OhloraError, match="row 0 has seed 0"):
        LabelSheet.open(path, np.arange(7, 12))


def test_each_change_records_its_pass_and_undo_restores_it(tmp_path):
    path = tmp_path / "labels.csv"
    first = LabelSheet.open(path, np.arange(3))
    first.press(0, "w")
    first.press(0, "g")
    audit = LabelSheet.open(path, np.arange(3), label_pass=2)
    assert read_labels(path).passes.tolist() == [1, 0, 0]
    audit.press(0, "m")
    assert read_labels(path).passes.tolist() == [2, 0, 0]
    assert path.read_text().splitlines()[1] == "0,0,0,1,2"
    audit.undo()
    assert path.read_text().splitlines()[1] == "0,0,1,1,1"
    assert path.read_text().splitlines()[2] == "1,1,,,"
