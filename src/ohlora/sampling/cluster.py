"""The Ray sampling engine: the shards of `shards.plan` computed by a pool of Ray actors.

Each actor (one process, one CPU, on any node of the cluster) loads the generator and the
scorer once and then computes whole shards with the same `shards.compute_shard` the local
engine uses, so a shard's content does not depend on which engine or node made it. The
actors return the arrays; the driver alone writes the store (`shards.write_shard`: atomic,
the local layout), so the nodes need no shared file system and the run directory is only
touched by one process.

Faults: an actor whose process dies (killed, out of memory, node lost) is restarted by Ray
and its shard retried (`max_restarts` / `max_task_retries`); a shard is written once, under
its index, so every seed appears exactly once whatever was retried. A killed driver loses
only the shards in flight: run it again and `plan` skips the shards on disk.

Ray is imported here only, lazily: the package works without it for the local engine.
"""

from __future__ import annotations

import os
import tempfile
from collections import deque
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from ohlora.errors import OhloraError
from ohlora.sampling.finalise import finalise
from ohlora.sampling.params import SampleParams
from ohlora.sampling.shards import ShardJob, compute_shard, plan, write_shard
from ohlora.store.samples import Samples

OBJECT_STORE_BYTES = 200 * 1024**2  # a local Ray's object store: shards are a few MB at most
RETRIES = 3  # restarts of a dead actor, and retries of the shard it was computing
INSTALL = "the Ray engine needs Ray: pip install -r requirements/ray.txt (ray==2.60.0)"


def import_ray() -> Any:
    """The `ray` module, or a one-line error saying how to install it."""
    try:
        import ray
    except ImportError:
        raise OhloraError(INSTALL) from None
    return ray


class ShardWorker:
    """One Ray actor: the generator and the scorer loaded once, then shards on request.

    `cnn_files` (scorer "cnn") are the CNN folder's files, shipped through Ray so that a node
    without the driver's file system scores with exactly the driver's CNN (its sha256 is
    checked against the run's parameters)."""

    def __init__(self, params: dict[str, Any], cnn_files: dict[str, bytes] | None) -> None:
        from ohlora import generators
        from ohlora.scorers.factory import make_scorer

        self.params = SampleParams(**params)
        self.gen = generators.load(self.params.generator)
        if self.params.scorer == "cnn":
            from ohlora.scorers.cnn.scorer import CNNScorer

            assert cnn_files, "the CNN scorer needs its folder's files"
            folder = Path(tempfile.mkdtemp(prefix="ohlora-cnn-"))
            for name, data in cnn_files.items():
                (folder / name).write_bytes(data)
            self.scorer = CNNScorer.from_dir(folder, self.params.generator)
            from ohlora.scorers.cnn.folder import load

            sha = load(folder)[2]["model_sha256"]
            if sha != self.params.cnn_sha256:
                raise OhloraError(f"the shipped CNN has sha256 {sha}, not the run's")
        else:
            self.scorer = make_scorer(self.params.scorer, 0)

    def where(self) -> tuple[str, str, int]:
        """(node id, node IP, process id): for the progress line and for fault tests."""
        import ray

        node = ray.get_runtime_context().get_node_id()
        return node, ray.util.get_node_ip_address(), os.getpid()

    def compute(self, index: int, lo: int, hi: int) -> dict[str, np.ndarray]:
        """The arrays of shard `index` (rows lo..hi-1), exactly as the local engine makes them."""
        return compute_shard(self.gen, self.scorer, self.params, ShardJob(index, lo, hi))


def _cnn_files(params: SampleParams) -> dict[str, bytes] | None:
    """The files of the run's CNN folder (plain files only), to ship to the actors."""
    if params.scorer != "cnn":
        return None
    assert params.cnn is not None, "scorer cnn without a CNN folder"
    folder = Path(params.cnn)
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def connect(address: str | None, workers: int) -> bool:
    """Join the cluster at `address` (`auto`: the one `ray start` made on this machine), or
    start a private one-machine Ray with `workers` CPUs; True when this call started Ray (the
    caller then shuts it down). An already connected Ray is used as it is."""
    ray = import_ray()
    if ray.is_initialized():
        return False
    kwargs: dict[str, Any] = {"logging_level": "ERROR", "log_to_driver": False}
    try:
        if address:
            ray.init(address=address, **kwargs)
        else:
            ray.init(
                num_cpus=workers,
                object_store_memory=OBJECT_STORE_BYTES,
                include_dashboard=False,
                **kwargs,
            )
    except (ConnectionError, RuntimeError, ValueError) as e:
        where = address or "a new local Ray"
        raise OhloraError(
            f"cannot reach a Ray cluster at {where} ({_first_line(e)}): start "
            "one with `ray start --head` and give its address with --address"
        ) from None
    return True


def sample(
    run: Path,
    params: SampleParams,
    workers: int = 2,
    address: str | None = None,
    stats_from: Path | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_workers: Callable[[list[tuple[str, str, int]]], None] | None = None,
    *,
    shrink: bool = False,
    retries: int = RETRIES,
) -> Samples:
    """Fill (or complete) the sample store of `run` with `workers` Ray actors; the result
    equals the local engine's (`local.sample`) for the same parameters. `on_workers` hears
    the actors' (node id, node IP, pid) once they are up."""
    assert workers >= 1, workers
    todo = plan(run, params, on_progress, shrink=shrink)
    if todo:
        started = connect(address, workers)
        try:
            _run_pool(run, params, todo, workers, on_progress, on_workers, retries)
        finally:
            if started:
                import_ray().shutdown()
    return finalise(run, stats_from)


def _run_pool(
    run: Path,
    params: SampleParams,
    todo: list[ShardJob],
    workers: int,
    on_progress: Callable[[int], None] | None,
    on_workers: Callable[[list[tuple[str, str, int]]], None] | None,
    retries: int,
) -> None:
    """Hand the shards to `workers` actors, one at a time each, writing each result."""
    ray = import_ray()
    actor_cls = ray.remote(num_cpus=1, max_restarts=retries, max_task_retries=retries)(ShardWorker)
    files = _cnn_files(params)
    actors = [actor_cls.remote(asdict(params), files) for _ in range(min(workers, len(todo)))]
    try:
        places = ray.get([a.where.remote() for a in actors])
    except ray.exceptions.RayError as e:
        raise OhloraError(f"the Ray workers could not start: {_first_line(e)}") from None
    if on_workers:
        on_workers(places)
    queue = deque(todo)
    idle = list(actors)
    pending: dict[Any, tuple[ShardJob, Any]] = {}
    try:
        while queue or pending:
            while idle and queue:
                job, actor = queue.popleft(), idle.pop()
                pending[actor.compute.remote(job.index, job.lo, job.hi)] = (job, actor)
            (ref,), _ = ray.wait(list(pending), num_returns=1)
            job, actor = pending.pop(ref)
            try:
                arrays = ray.get(ref)
            except ray.exceptions.RayError as e:
                raise OhloraError(
                    f"shard {job.index} failed on the cluster after {retries} retries "
                    f"({_first_line(e)}); the finished shards are kept: run the same command "
                    "again to continue"
                ) from None
            if queue:  # keep the actor busy before writing (the write is the driver's)
                nxt = queue.popleft()
                pending[actor.compute.remote(nxt.index, nxt.lo, nxt.hi)] = (nxt, actor)
            else:
                idle.append(actor)
            _check_rows(job, params, arrays)
            write_shard(run, job, arrays)
            if on_progress:
                on_progress(job.hi - job.lo)
    finally:
        for a in actors:
            ray.kill(a)


def _check_rows(job: ShardJob, params: SampleParams, arrays: dict[str, np.ndarray]) -> None:
    """A shard from a worker must hold exactly its rows and seeds (shape check at the border)."""
    idx = arrays["index"]
    assert np.array_equal(idx, np.arange(job.lo, job.hi)), (job, idx[:3])
    assert np.array_equal(arrays["seed"], job.seeds(params)), job
    n = job.hi - job.lo
    assert arrays["z"].shape[0] == arrays["raw"].shape[0] == arrays["found"].shape[0] == n


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else e.__class__.__name__
