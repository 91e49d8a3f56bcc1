"""The one-line machine description every benchmark prints beside its figures."""

from __future__ import annotations

import os
import platform


def describe() -> str:
    """CPU model, cores (usable), load average, torch threads and versions."""
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    text = f"{cpu}; {os.cpu_count()} cores ({usable} usable); load average {load}"
    try:
        import torch

        text += f"; torch {torch.__version__} ({torch.get_num_threads()} threads)"
    except ImportError:
        pass
    wait = os.environ.get("OMP_WAIT_POLICY")
    if wait:
        text += f"; OMP_WAIT_POLICY {wait}"
    return text + f"; python {platform.python_version()}"
