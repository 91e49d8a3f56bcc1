"""Resumable training state: every module, optimizer and scheduler, the random state and the
per-epoch history, written after each epoch as one model folder (`checkpoint.safetensors` +
`checkpoint.json`), so a killed run resumes from its last finished epoch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from ohlora.finetune.version import Version
from ohlora.modelfolder import ModelFolder, damaged

FORMAT = "ohlora-finetune-checkpoint/1"
STEM = "checkpoint"
REMEDY = "delete it to start over"


def save_checkpoint(
    out: Path, version: Version, gen: torch.Generator, record: dict[str, Any]
) -> None:
    """Write the whole training state after an epoch (`record`: epoch, history, settings)."""
    tensors: dict[str, torch.Tensor] = {}
    for name, m in version.modules.items():
        for k, v in m.state_dict().items():
            tensors[f"m.{name}.{k}"] = v.detach().cpu().contiguous().clone()
    groups = {}
    for name, opt in version.optimizers.items():
        sd = opt.state_dict()
        groups[name] = sd["param_groups"]
        for pid, st in sd["state"].items():
            for key, val in st.items():
                t = val if torch.is_tensor(val) else torch.tensor(val)
                tensors[f"o.{name}.{pid}.{key}"] = t.detach().cpu().contiguous().clone()
    for i, (mu, sigma) in enumerate(getattr(version, "kept", [])):
        tensors[f"kept.{i}.mu"] = mu.detach().cpu().clone()
        tensors[f"kept.{i}.sigma"] = sigma.detach().cpu().clone()
    for k, v in version.extra_state().items():  # copies: safetensors refuses shared memory
        tensors[f"x.{k}"] = v.detach().cpu().clone()
    tensors["rng.data"] = gen.get_state()
    tensors["rng.torch"] = torch.get_rng_state()
    config = {
        **record,
        "param_groups": groups,
        "schedulers": {k: s.state_dict() for k, s in version.schedulers.items()},
    }
    ModelFolder.named(out, STEM).save(tensors, config, kind=FORMAT, metadata={"format": FORMAT})


def has_checkpoint(out: Path) -> bool:
    return ModelFolder.named(out, STEM).exists()


def load_checkpoint(out: Path, version: Version, gen: torch.Generator) -> dict[str, Any]:
    """Restore the state written by `save_checkpoint` into a fresh `version`; returns the
    record (epoch, history, settings)."""
    mf = ModelFolder.named(out, STEM)
    remedy = f"{mf.weights_path} is damaged: {REMEDY}"
    tensors, cfg = mf.load(kind=FORMAT, what="fine-tuning checkpoint", remedy=REMEDY)
    with damaged(mf.config_path, remedy):
        for name, m in version.modules.items():
            prefix = f"m.{name}."
            m.load_state_dict(
                {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}
            )
        for name, opt in version.optimizers.items():
            prefix = f"o.{name}."
            state: dict[int, dict[str, torch.Tensor]] = {}
            for k, v in tensors.items():
                if k.startswith(prefix):
                    pid, key = k[len(prefix) :].split(".", 1)
                    state.setdefault(int(pid), {})[key] = v
            opt.load_state_dict({"state": state, "param_groups": cfg["param_groups"][name]})
        for name, s in version.schedulers.items():
            s.load_state_dict(cfg["schedulers"][name])
        kept = getattr(version, "kept", None)
        if kept is not None:
            i = 0
            while f"kept.{i}.mu" in tensors:
                kept.append((tensors[f"kept.{i}.mu"], tensors[f"kept.{i}.sigma"]))
                i += 1
        if "x.reference.mu" in tensors:
            version.reference = (tensors["x.reference.mu"], tensors["x.reference.sigma"])  # type: ignore[attr-defined]
        gen.set_state(tensors["rng.data"])
        torch.set_rng_state(tensors["rng.torch"])
    return cfg
