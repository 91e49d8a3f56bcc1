"""Worker processes for image scorers: `python -m MODULE ARGS...` answering on its pipes.

Each worker (the mesh scorer's `ohlora.scorers.mesh.workers`, the dlib judge's
`ohlora.scorers.dlib.worker`) builds its models once and then answers requests: it reads an
uint8 N x H x W x 3 array from stdin and writes back raw scores (float32 N x C) and found
flags (bool N); each array is one frame, a JSON header line then its raw bytes. The end of
its input ends it, so workers never outlive their parent.

Plain subprocesses rather than `multiprocessing`: spawn and forkserver re-run the caller's
main script in every worker (a script without an `if __name__ == "__main__"` guard fails),
here nothing of the caller is imported. mediapipe's console noise goes to a per-worker log
file, whose last line is shown if the worker dies.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from typing import IO

import numpy as np

from ohlora.errors import OhloraError

_DTYPES = {"uint8": np.uint8, "float32": np.float32, "bool": np.bool_}


def _write(stream: IO[bytes], array: np.ndarray) -> None:
    """One frame: a JSON header line (dtype, shape), then the raw bytes."""
    array = np.ascontiguousarray(array)
    header = {"dtype": array.dtype.name, "shape": list(array.shape)}
    assert header["dtype"] in _DTYPES, header
    stream.write(json.dumps(header).encode() + b"\n")
    stream.write(array.tobytes())


def _read(stream: IO[bytes]) -> np.ndarray:
    """The next frame; EOFError at the end of the stream."""
    line = stream.readline()
    if not line:
        raise EOFError("end of stream")
    header = json.loads(line)
    dtype = np.dtype(_DTYPES[header["dtype"]])
    shape = tuple(int(d) for d in header["shape"])
    size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    data = stream.read(size)
    if len(data) != size:
        raise EOFError(f"frame cut short: {len(data)} of {size} bytes")
    return np.frombuffer(data, dtype).reshape(shape).copy()


class WorkerProcess:
    """One worker subprocess and its pipes."""

    def __init__(self, module: str, args: tuple[str, ...] = ()) -> None:
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        env = dict(os.environ)
        env.setdefault("GLOG_minloglevel", "2")
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        env.setdefault("OMP_NUM_THREADS", "1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            env=env,
        )

    def request(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            _write(self.proc.stdin, images)
            self.proc.stdin.flush()
            raw, found = _read(self.proc.stdout), _read(self.proc.stdout)
        except (OSError, ValueError, KeyError, EOFError):
            raise OhloraError(self._death_message()) from None
        if raw.shape[0] != len(images) or found.shape != (len(images),):
            raise OhloraError(self._death_message())
        return raw, found

    def _death_message(self) -> str:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        self.log.seek(0)
        lines = [ln for ln in self.log.read().decode(errors="replace").splitlines() if ln]
        last = lines[-1].strip() if lines else "no message"
        return (
            f"a face-analysis worker stopped (exit code {self.proc.returncode}; last words: "
            f"{last[:300]}): run again (finished shards are kept), or use --workers 0"
        )

    def close(self) -> None:
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self.log.close()


class WorkerPool:
    """`n` worker processes fed from one queue of chunks by one thread per worker."""

    def __init__(self, n: int, module: str, args: tuple[str, ...] = ()) -> None:
        self.workers = [WorkerProcess(module, args) for _ in range(n)]

    def map(
        self,
        chunks: list[np.ndarray],
        on_done: Callable[[int], None] | None = None,
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Results of every chunk, in order; the first worker error is raised."""
        todo: queue.Queue[int] = queue.Queue()
        for i in range(len(chunks)):
            todo.put(i)
        results: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(chunks)
        errors: list[BaseException] = []
        lock = threading.Lock()

        def serve(w: WorkerProcess) -> None:
            while not errors:
                try:
                    i = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    results[i] = w.request(chunks[i])
                except BaseException as e:  # handed to the caller's thread below
                    errors.append(e)
                    return
                if on_done:
                    with lock:
                        on_done(len(chunks[i]))

        threads = [threading.Thread(target=serve, args=(w,), daemon=True) for w in self.workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        assert all(r is not None for r in results)
        return results  # type: ignore[return-value]

    def close(self) -> None:
        for w in self.workers:
            w.close()


Handler = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


def serve(build: Callable[[], Handler]) -> None:
    """A worker's life: keep the protocol on a private copy of stdout (anything printed goes
    to the log), `build` the models once (an `OhloraError` there ends the worker with its
    message), then answer each image frame with the handler's (raw, found) frames until stdin
    ends."""
    protocol = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = sys.stdin.buffer
    try:
        handle = build()
    except OhloraError as e:
        print(f"error: {e}", file=sys.stderr)
        raise SystemExit(2) from None
    while True:
        try:
            images = _read(requests)
        except EOFError:  # stdin closed: the parent is done or gone
            break
        raw, found = handle(images)
        _write(protocol, raw)
        _write(protocol, found)
        protocol.flush()
