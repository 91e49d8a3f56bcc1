"""The per-epoch test of spec 5.1: test z x the 50 asked (eyes, mouth, pose) combinations,
measured back by the frozen property CNN, each z scored by the v3 pass rule."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ohlora.evaluate.metrics import CaseResult, score_case, summarise
from ohlora.evaluate.protocols import PROPS, V3
from ohlora.finetune.version import Version


@dataclass
class EpochTest:
    """Every test z's result, the summary, and the best z (most obedient; passing first)."""

    cases: list[CaseResult]
    summary: dict
    best: int

    @property
    def passed(self) -> bool:
        return self.summary["passed_v3"] > 0


def run_epoch_test(version: Version, n_z: int, seed: int, batch: int = 250) -> EpochTest:
    """Generate n_z x 50 faces with the version's generator and measure them with its CNN."""
    gen = torch.Generator().manual_seed(seed)
    device = next(version.G.parameters()).device
    z = version.test_latents(n_z, gen).to(device)
    grid = torch.from_numpy(V3.grid().astype(np.float32))
    k = len(grid)
    cols = [version.properties.index(p) for p in PROPS]

    cnn_idx = [version.props.index[version.properties.index(p)] for p in PROPS]
    cases = []
    version.train(False)
    with torch.no_grad():
        for i in range(n_z):
            c = torch.zeros(k, len(version.properties))
            c[:, cols] = grid
            c = c.to(device)
            images = torch.cat(
                [
                    version.G(z[i : i + 1].expand(len(c[j : j + batch]), -1), c[j : j + batch])
                    for j in range(0, k, batch)
                ]
            )
            measured = version.props.cnn(images)[:, cnn_idx].double().cpu().numpy()
            cases.append(score_case(grid.double().numpy(), measured))
    version.train(True)
    summary = summarise(cases)

    def rank(i: int) -> tuple[bool, float]:
        r = cases[i]
        return (r.pass_v3, r.corr_sum if np.isfinite(r.corr_sum) else -9.0)

    best = max(range(n_z), key=rank)
    summary["best"] = {
        "index": best,
        "corr": cases[best].corr,
        "mae": cases[best].mae,
        "pass_v3": cases[best].pass_v3,
    }
    return EpochTest(cases, summary, best)
