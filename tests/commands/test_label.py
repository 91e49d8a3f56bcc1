"""`ohlora label export` writes a labelled set that trains."""

from __future__ import annotations

import numpy as np

from tests.commands.cli import run_ohlora


def test_export_writes_a_trainable_labelled_set(tmp_path, dcgan):
    from ohlora.classifiers.labels import read_labels
    from ohlora.studio.label_sheet import LabelSheet

    run = tmp_path / "run"
    sheet = LabelSheet.open(run / "labels.csv", np.arange(100, 105))
    for i, keys in enumerate(["wg", "mb", "s", "w", "mg"]):
        for k in keys:
            sheet.press(i, k)
    res = run_ohlora("label", "export", "--run", run, "--out", tmp_path / "set")
    assert res.returncode == 0, res.stderr
    exported = read_labels(tmp_path / "set" / "labels.csv")
    assert exported.gender.tolist() == [1, 0, 0] and exported.quality.tolist() == [1, 0, 1]
    want = dcgan.latents_for_seeds([100, 101, 104])
    assert np.array_equal(exported.latents, want)
    res = run_ohlora("label", "export", "--run", run, "--out", tmp_path / "all", "--with-shipped")
    assert res.returncode == 0, res.stderr
    assert len(read_labels(tmp_path / "all" / "labels.csv")) == 259
