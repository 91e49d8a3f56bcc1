"""Helpers of the command tests: run `ohlora` (in this process or a new one), build small
inputs."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

from ohlora.properties.normalise import Normalisation
from ohlora.scorers.cnn import folder as cnn_folder
from ohlora.scorers.cnn.network import PropertyCNN, columns_for, default_architecture
from ohlora.store import samples as store
from ohlora.store.rundir import RunDir


def run_ohlora(*args: object) -> subprocess.CompletedProcess:
    """`ohlora ARGS` through `ohlora.cli.main` in this process, output captured as text.

    The command's own entry point, parser and error handling, without a new interpreter's
    4 to 5 s of importing torch and mediapipe; argparse's exits become the return code, and
    the torch thread count a command sets is restored (it would slow every later test).
    `run_ohlora_process` runs the real `python -m ohlora` where a separate process matters."""
    from ohlora.cli import main

    argv = [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    threads = torch.get_num_threads()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as e:  # argparse: --help, a bad option; as an interpreter exits
                if e.code is None or isinstance(e.code, int):
                    code = e.code or 0
                else:
                    print(e.code, file=sys.stderr)
                    code = 1
    finally:
        torch.set_num_threads(threads)
    return subprocess.CompletedProcess(
        ["ohlora", *argv], code, stdout=out.getvalue(), stderr=err.getvalue()
    )


def run_ohlora_process(*args: object) -> subprocess.CompletedProcess:
    """`python -m ohlora ARGS` in a new process, output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "ohlora", *map(str, args)], capture_output=True, text=True
    )


def fake_store(run: Path, dcgan, n: int) -> None:
    """A finalised one-shard store of the first n embedded faces with a dummy score column."""
    RunDir(run).record_stage(
        "sample",
        {"generator": "dcgan-digiface-64", "n": n, "seed": 0, "shard_size": n, "scorer": "x"},
    )
    seeds = np.arange(n, dtype=np.int64)
    store.write_npz(
        store.shard_path(run, 0),
        {
            "index": seeds,
            "seed": seeds,
            "z": dcgan.latents_for_seeds(seeds.tolist()),
            "raw": np.zeros((n, 1), np.float32),
            "found": np.ones(n, bool),
            "columns": np.array(["eyes_raw"]),
            "normalised": np.zeros((n, 1), np.float32),
        },
    )


def tiny_cnn(folder: Path, seed: int) -> Path:
    """A small untrained property CNN of the embedded generator, saved to `folder`."""
    torch.manual_seed(seed)
    arch = default_architecture(64, "context", small=((4, 8), 8), large=((4, 8), 8))
    cols = columns_for()
    norm = Normalisation(cols, np.arange(7.0), np.arange(1.0, 8.0), np.full(7, 10))
    return cnn_folder.save(
        folder, PropertyCNN(arch).eval(), norm, {"generator": "dcgan-digiface-64"}
    )
