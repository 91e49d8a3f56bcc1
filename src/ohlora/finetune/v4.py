"""FineTune-v4 (spec 5): v1 retrained on 3 properties (eyes, mouth, pose) labelled by the
property CNN (algorithm 2 via the CNN). The original also turned style mixing off; the DCGAN
has no style mixing, so there is nothing to remove."""

from __future__ import annotations

from ohlora.finetune.v1 import FineTuneV1
from ohlora.finetune.version import LANDMARK3


class FineTuneV4(FineTuneV1):
    name = "v4"
    properties = LANDMARK3
    labels = "cnn"
