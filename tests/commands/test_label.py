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
    assert len(read_labels(tmp_path / "all" / "labels.csv")) == 2003  # 256 + 1,744 shipped


def test_audit_shows_the_faces_the_models_contradict_most(tmp_path, dcgan):
    from PIL import Image

    from ohlora.classifiers.labels import shipped_labels_path

    folder = tmp_path / "classifiers"
    folder.mkdir()
    shipped = shipped_labels_path()
    (folder / "oof.csv").write_text(
        "source,index,seed,gender,quality,gender_oof,quality_oof\n"
        f"{shipped},3,,1,1,0.10,0.95\n"  # gender contradicted hardest: 0.90
        "s.csv,0,700,0,1,0.40,0.20\n"  # gender 0.40, quality 0.80
        "s.csv,1,701,1,0,0.70,0.90\n"  # gender 0.30, quality 0.90
        "s.csv,2,702,,1,,0.60\n"  # no gender label: left out of the gender audit
    )
    res = run_ohlora("label", "audit", "--classifiers", folder, "--out", tmp_path / "a")
    assert res.returncode == 0, res.stderr
    assert "gender: 1 labelled faces predicted the other way" in res.stdout
    assert "quality: 2 labelled faces predicted the other way" in res.stdout
    rows = (tmp_path / "a" / "audit.csv").read_text().splitlines()
    assert [r.split(",")[:5] for r in rows[1:4]] == [
        ["gender", "1", str(shipped), "3", ""],
        ["gender", "2", "s.csv", "0", "700"],
        ["gender", "3", "s.csv", "1", "701"],
    ]
    assert [r.split(",")[4] for r in rows[4:]] == ["701", "700", "702", ""]
    sheet = np.asarray(Image.open(tmp_path / "a" / "audit_quality.png"))
    assert sheet.shape == (128 + 30, 8 * 128, 3)
    # the first quality face is seed 701's face, upscaled
    face = dcgan.synthesize(dcgan.latents_for_seeds([701]))[0]
    small = Image.fromarray(sheet[:128, :128]).resize((64, 64), Image.BICUBIC)
    assert np.abs(np.asarray(small, np.float32) - face).mean() < 6
    # the first gender face is the shipped set's row 3, from its stored latent
    z = np.load(shipped.parent / "latents.npy")[3:4]
    g = np.asarray(Image.open(tmp_path / "a" / "audit_gender.png"))[:128, :128]
    small = Image.fromarray(g).resize((64, 64), Image.BICUBIC)
    assert np.abs(np.asarray(small, np.float32) - dcgan.synthesize(z)[0]).mean() < 6
    missing = run_ohlora("label", "audit", "--classifiers", tmp_path, "--out", tmp_path / "b")
    assert missing.returncode != 0 and "train the classifiers first" in missing.stderr
