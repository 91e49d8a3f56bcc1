"""A fine-tuned model seen as an editor, so the generation test, edit plans and the studio's
batch interface run on it unchanged: a case's base face is the model at the population mean
of every property, and "editing" it to asked values is generating the same z with them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ohlora.editing.editor import EditResult
from ohlora.evaluate.protocols import PROPS
from ohlora.finetune.model import FineTunedModel


@dataclass
class FineTuneInfo:
    """The few facts about "directions" the test's report and edit plans read."""

    generator: str
    steered: list[str]
    space: str = "z"
    algorithm: str = "landmark"
    group_by: list[str] | None = None
    params: dict[str, Any] = field(default_factory=dict)


class FineTuneEditor:
    """`Editor`-shaped wrapper over a `FineTunedModel` (no meter: nothing is measured)."""

    method = "finetune"
    refine = 0
    meter = None

    def __init__(self, model: FineTunedModel) -> None:
        self.model = model
        self.g = model
        steered = [p for p in PROPS if p in model.properties]
        self.d = FineTuneInfo(model.name, steered, params={"version": model.version})
        self.properties = list(model.properties)

    @classmethod
    def open(cls, folder: Path) -> FineTuneEditor:
        return cls(FineTunedModel.load(folder))

    def base_latents(self, seeds: np.ndarray) -> np.ndarray:
        return self.model.latents_for_seeds([int(s) for s in seeds])

    def measure_base(self, latents: np.ndarray) -> None:
        """Nothing to measure: the model draws each base face at 0 of every property."""
        return None

    def current(self, latents: np.ndarray, base_measured: np.ndarray | None) -> np.ndarray:
        """Where each base face stands (N, K): 0 (the population mean) of every property, the
        values the model was asked for when it drew it."""
        return np.zeros((len(latents), len(self.properties)), np.float32)

    def edit(
        self,
        latents: np.ndarray,
        targets: dict[str, np.ndarray],
        base_measured: np.ndarray | None = None,
        mirror: bool = True,
    ) -> EditResult:
        """Generate each latent with its asked properties (unasked ones at 0). `mirror` is
        the `Editor` interface's: a fine-tuned generator draws the asked pose itself and
        never mirrors."""
        images = self.model.generate(latents, targets)
        n = len(latents)
        return EditResult(
            latents, images, np.zeros((n, 0), np.float32), np.zeros(n, np.int64), None, None
        )

    def close(self) -> None:
        pass
