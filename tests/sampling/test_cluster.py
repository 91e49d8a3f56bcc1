"""The Ray engine: bit-identical to the local engine, a killed worker retried, a real two-node
cluster (two `ray start` processes on this machine) driven by `ohlora sample --engine ray`
and resumed after its driver is SIGKILLed. Every Ray process is stopped at teardown."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from ohlora.errors import OhloraError
from ohlora.sampling import cluster, local
from ohlora.sampling.params import SampleParams
from ohlora.store.samples import load_samples, shard_files
from tests.commands.cli import tiny_cnn

MESH = SampleParams(generator="dcgan-digiface-64", n=60, seed=11, shard_size=10, scorer="mesh")
KEYS = ("index", "seed", "z", "raw", "found", "normalised")


def _equal(a, b) -> None:
    assert len(a) == len(b)
    for k in KEYS:
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k), err_msg=k)


def _ray_stop() -> None:
    bin_ray = Path(sys.executable).with_name("ray")
    subprocess.run([str(bin_ray), "stop", "--force"], capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def local_ref(tmp_path_factory):
    """The local engine's store of MESH (the reference every Ray run must equal)."""
    run = tmp_path_factory.mktemp("ref") / "run"
    return local.sample(run, MESH, workers=0)


@pytest.fixture(scope="module")
def private_ray():
    """A one-machine Ray with 2 CPUs and a small object store, shut down and stopped after."""
    ray = pytest.importorskip("ray")
    assert cluster.connect(None, 2)  # started here, so shut down here
    try:
        yield
    finally:
        ray.shutdown()
        _ray_stop()


@pytest.mark.slow
def test_ray_run_equals_the_local_run_bit_for_bit_mesh_and_cnn(tmp_path, local_ref, private_ray):
    _equal(cluster.sample(tmp_path / "mesh", MESH, workers=2), local_ref)
    names = sorted(p.name for p in shard_files(tmp_path / "mesh"))
    assert names == [f"shard-{j:05d}.npz" for j in range(6)]  # the local layout

    cnn = tiny_cnn(tmp_path / "cnn", 0)
    from ohlora.scorers.cnn.folder import load

    p = SampleParams("dcgan-digiface-64", 30, 5, 10, "cnn", str(cnn), load(cnn)[2]["model_sha256"])
    stats = cnn / "normalisation.json"
    _equal(
        cluster.sample(tmp_path / "cnn-ray", p, workers=2, stats_from=stats),
        local.sample(tmp_path / "cnn-local", p, workers=0, stats_from=stats),
    )


@pytest.mark.slow
def test_a_sigkilled_worker_is_retried_and_every_seed_appears_once(
    tmp_path, local_ref, private_ray
):
    places: list[tuple[str, str, int]] = []
    killed: list[int] = []

    def kill_one_worker(_rows: int) -> None:
        # called after the first shard is written: that worker was already handed the next
        # shard, so the kill lands mid-task
        if not killed:
            pid = places[0][2]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    s = cluster.sample(
        tmp_path / "run", MESH, workers=2, on_workers=places.extend, on_progress=kill_one_worker
    )
    assert killed and not Path(f"/proc/{killed[0]}").exists()
    _equal(s, local_ref)
    assert np.array_equal(s.seed, MESH.seed + np.arange(MESH.n))  # each seed exactly once


def test_without_ray_the_engine_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` fail
    with pytest.raises(OhloraError, match=r"pip install -r requirements/ray.txt"):
        cluster.import_ray()


def test_ohlora_imports_no_ray_unless_the_ray_engine_runs():
    code = (
        "import sys, ohlora.cli, ohlora.sampling.cluster, ohlora.commands.sample; "
        "sys.exit('ray' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


def _start(*args: str) -> None:
    bin_ray = Path(sys.executable).with_name("ray")
    common = ["--num-cpus", "1", "--node-ip-address", "127.0.0.1", "--disable-usage-stats"]
    subprocess.run(
        [str(bin_ray), "start", *args, *common],
        check=True,
        capture_output=True,
        timeout=90,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")},
    )


@pytest.mark.slow
def test_a_two_node_cluster_samples_like_the_local_engine_and_resumes_a_killed_driver(
    tmp_path, local_ref
):
    ray = pytest.importorskip("ray")
    if ray.is_initialized():
        ray.shutdown()
    address = "127.0.0.1:6391"
    try:
        _start("--head", "--port", "6391", "--object-store-memory", str(100 * 1024**2),
               "--include-dashboard", "false")  # fmt: skip
        _start("--address", address, "--object-store-memory", str(100 * 1024**2))
        run = tmp_path / "run"
        cmd = [sys.executable, "-m", "ohlora", "sample", "--engine", "ray", "--address", address,
               "--workers", "2", "--run", str(run), "--n", str(MESH.n), "--seed",
               str(MESH.seed), "--shard-size", str(MESH.shard_size)]  # fmt: skip
        driver = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.time() + 60
        while time.time() < deadline and not shard_files(run) and driver.poll() is None:
            time.sleep(0.05)
        os.killpg(driver.pid, signal.SIGKILL)
        driver.wait()
        done = len(shard_files(run))
        assert 1 <= done < 6, f"the kill must land mid-run ({done} shards)"

        res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert res.returncode == 0, res.stderr
        assert "ray: 2 workers on 2 node(s)" in res.stdout  # one actor per node (1 CPU each)
        _equal(load_samples(run), local_ref)
    finally:
        _ray_stop()
        shutil.rmtree(tmp_path / "run", ignore_errors=True)
