"""The training loop over a run: a run killed in the middle of an epoch, run again, resumes
after its last finished epoch and ends where the uninterrupted run ends, bit for bit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from safetensors.torch import load_file

from ohlora.finetune.loop import train
from ohlora.finetune.params import FineTuneParams
from tests.commands.cli import fake_store
from tests.finetune.tiny import tiny_context


class _KilledError(Exception):
    """Stands for the kill: raised from inside the second epoch's first step."""


def _steps(counter: list[int], kill_at: int | None = None):
    def on_step(_b: int, _steps: int) -> None:
        counter.append(1)
        if kill_at is not None and len(counter) == kill_at:
            raise _KilledError

    return on_step


def test_a_killed_run_resumes_from_its_last_epoch(dcgan, tmp_path):
    run = tmp_path / "run"
    fake_store(run, dcgan, 64)
    p = FineTuneParams(
        version="v3", out=tmp_path / "whole", epochs=2, n=64, batch_size=32, test_z=1
    )
    whole = []
    train(run, p, context=tiny_context(dcgan), on_step=_steps(whole))
    assert len(whole) == 4  # 2 epochs of 2 steps
    killed = replace(p, out=tmp_path / "killed")
    before = []
    with pytest.raises(_KilledError):  # dies in epoch 2's first step, epoch 1 checkpointed
        train(run, killed, context=tiny_context(dcgan), on_step=_steps(before, kill_at=3))
    after = []
    _, record = train(run, killed, context=tiny_context(dcgan), on_step=_steps(after))
    assert len(after) == 2  # only epoch 2 is trained again
    assert [e["epoch"] for e in record["history"]] == [1, 2]
    _, full = train(run, p, context=tiny_context(dcgan))  # already done: nothing to train
    for a, b in zip(full["history"], record["history"], strict=True):
        assert {**a, "seconds": 0} == {**b, "seconds": 0}
    want = load_file(tmp_path / "whole" / "model.safetensors")
    got = load_file(tmp_path / "killed" / "model.safetensors")
    assert want.keys() == got.keys()
    assert all(want[k].equal(got[k]) for k in want)


def test_keep_best_adopts_the_epoch_with_the_best_per_epoch_test(dcgan, tmp_path):
    from ohlora.finetune.loop import BEST, _rank
    from ohlora.finetune.model import FineTunedModel

    run = tmp_path / "run"
    fake_store(run, dcgan, 64)
    p = FineTuneParams(
        version="v2", out=tmp_path / "best", epochs=3, n=64, batch_size=32, test_z=2, keep="best"
    )
    out, record = train(run, p, context=tiny_context(dcgan))
    ranks = [_rank(h) for h in record["history"]]
    assert len(set(ranks)) == 3, ranks  # the epochs differ, so "best" means something
    best = 1 + max(range(3), key=lambda i: ranks[i])
    assert record["best"] == best
    adopted = FineTunedModel.load(out)
    assert adopted.config["epoch"] == best
    want = load_file(out / BEST / "model.safetensors")
    got = load_file(out / "model.safetensors")
    assert all(want[k].equal(got[k]) for k in want)
    assert record["settings"]["keep"] == "best"
