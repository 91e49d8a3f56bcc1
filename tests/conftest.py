"""Shared fixtures: the embedded generator (real registry weights, fetched once per cache) and
a small real run (sampled, scored, with directions) shared by the tests that need one."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(scope="session")
def dcgan():
    """The real embedded DCGAN, through the weights registry."""
    from ohlora.generators.dcgan import DCGANGenerator

    return DCGANGenerator.pretrained()


@pytest.fixture(scope="session")
def small_run(tmp_path_factory):
    """A real run built once per session: 600 faces of the embedded generator sampled and
    scored with the mesh scorer, then eyes / mouth / pose directions (about 30 s on 2 cores;
    too few faces for the identity condition, which is left out with a warning).
    Treat it as read-only: copy it before writing into it."""
    from ohlora.cli import main

    run = tmp_path_factory.mktemp("small_run") / "run"
    assert main(["sample", "--n", "600", "--run", str(run), "--shard-size", "300"]) == 0
    assert main(["find-directions", "--run", str(run)]) == 0
    return run
