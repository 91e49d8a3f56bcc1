"""A checkpoint restores the whole training state: the step after a resume is the step the
uninterrupted run would have taken, bit for bit."""

from __future__ import annotations

import pytest
import torch

from ohlora.finetune.checkpoint import load_checkpoint, save_checkpoint
from ohlora.finetune.versions import make_version
from tests.finetune.tiny import fixed_batch, tiny_context


@pytest.mark.parametrize("name", ["v3", "v4"])
def test_resume_continues_bit_identically(dcgan, tmp_path, name):
    a = make_version(name, tiny_context(dcgan))
    z, x, c = fixed_batch(a, dcgan, n=4)
    a.step(z, x, c)
    a.end_epoch()
    if name == "v3":  # the adopted reference is one of the kept batches' (mu, sigma)
        a.test_latents(2, torch.Generator().manual_seed(0))
        a.choose(0)
    gen = torch.Generator().manual_seed(5)
    save_checkpoint(tmp_path, a, gen, {"epoch": 1, "history": []})
    expect = a.step(z, x, c)
    b = make_version(name, tiny_context(dcgan))
    gen_b = torch.Generator()
    assert load_checkpoint(tmp_path, b, gen_b)["epoch"] == 1
    assert torch.equal(gen_b.get_state(), gen.get_state())
    got = b.step(z, x, c)
    assert got == expect
    for k, t in a.G.state_dict().items():
        assert torch.equal(b.G.state_dict()[k], t), k
