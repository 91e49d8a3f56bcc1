"""`ohlora generate` writes the faces its seeds mean, their latents and seeds, and with
--finetune the faces a fine-tuned model draws for the asked properties."""

from __future__ import annotations

import numpy as np
from PIL import Image

from ohlora.finetune.model import FineTunedModel
from ohlora.finetune.versions import make_version
from tests.commands.cli import run_ohlora
from tests.finetune.tiny import fixed_batch, tiny_context


def _pngs(folder) -> np.ndarray:
    return np.stack([np.asarray(Image.open(p)) for p in sorted(folder.glob("*.png"))])


def test_the_faces_of_seeds_with_their_latents_and_seeds(dcgan, tmp_path):
    out = tmp_path / "faces"
    res = run_ohlora("generate", "--n", 3, "--seed", 5, "--out", out)
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in out.glob("*.png")) == [f"{i:06d}.png" for i in range(3)]
    z = np.load(out / "latents.npy")
    assert z.dtype == np.float32 and np.array_equal(z, dcgan.sample_latents(3, 5))
    assert np.array_equal(_pngs(out), dcgan.synthesize(z))
    assert (out / "seeds.csv").read_text() == "index,seed\n0,5\n1,6\n2,7\n"
    big = tmp_path / "big"
    assert (
        run_ohlora("generate", "--n", 1, "--seed", 5, "--upscale", 2, "--out", big).returncode == 0
    )
    assert Image.open(big / "000000.png").size == (128, 128)


def test_asked_properties_need_a_fine_tuned_model(tmp_path):
    res = run_ohlora("generate", "--n", 1, "--eyes", 1.0, "--out", tmp_path / "f")
    assert res.returncode == 2
    assert "need --finetune DIR" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_a_fine_tuned_model_draws_the_asked_properties(dcgan, tmp_path):
    v = make_version("v1", tiny_context(dcgan))
    z, x, c = fixed_batch(v, dcgan, n=4)
    for _ in range(2):  # untrained, the head passes z through whatever is asked
        v.step(z, x, c)
    cfg = {"version": "v1", "properties": list(v.properties), "psi": v.psi}
    FineTunedModel.save(tmp_path / "ft", v.G, v.extra_state(), cfg)
    m = FineTunedModel.load(tmp_path / "ft")
    faces = {}
    for eyes in (-2.0, 2.0):
        out = tmp_path / f"eyes{eyes}"
        res = run_ohlora(
            "generate", "--n", 2, "--seed", 3, "--finetune", tmp_path / "ft",
            "--eyes", eyes, "--out", out,
        )  # fmt: skip
        assert res.returncode == 0, res.stderr
        z = np.load(out / "latents.npy")
        assert np.array_equal(z, m.latents_for_seeds([3, 4]))
        faces[eyes] = _pngs(out)
        assert np.array_equal(faces[eyes], m.generate(z, {"eyes": np.full(2, eyes)}))
    assert not np.array_equal(faces[-2.0], faces[2.0])  # the condition reaches the faces
