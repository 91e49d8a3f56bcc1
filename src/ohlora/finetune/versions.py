"""The five versions by name."""

from __future__ import annotations

from ohlora.errors import OhloraError
from ohlora.finetune.params import VERSIONS
from ohlora.finetune.version import Context, Version


def make_version(name: str, ctx: Context) -> Version:
    """A fresh version `name` (v1..v5) over the pretrained parts in `ctx`."""
    from ohlora.finetune.v1 import FineTuneV1
    from ohlora.finetune.v2 import FineTuneV2
    from ohlora.finetune.v3 import FineTuneV3
    from ohlora.finetune.v4 import FineTuneV4
    from ohlora.finetune.v5 import FineTuneV5

    classes = {"v1": FineTuneV1, "v2": FineTuneV2, "v3": FineTuneV3, "v4": FineTuneV4}
    classes["v5"] = FineTuneV5
    if name not in classes:
        raise OhloraError(f"unknown fine-tuning version {name!r}: use one of {', '.join(VERSIONS)}")
    return classes[name](ctx)
