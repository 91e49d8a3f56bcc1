"""A disk cache of the region-local editor's calibrated gains, keyed by everything they depend on.

Calibrating the local directions' response (`Editor.local_gains`) renders and measures 64
blended faces, a few seconds each time an editor opens: every `ohlora edit`, `evaluate`,
`animate` and studio start paid it again for the same run. The gains depend on the generator,
the directions, the renderer's settings and code, and the meter (scorer, normalisation, views).
The key hashes their declared settings and, so that a change of code or weights that no
setting names cannot serve stale gains, a behavioural fingerprint: one calibration face
rendered with its blended step, and the meter's reading of it. A miss recalibrates; a cache
that cannot be read or written is skipped (the gains are computed as before).

Files: `$OHLORA_HOME/calibration/local-gains-<key>.json` (see `ohlora.weights.home`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from ohlora import __version__
from ohlora.runinfo import atomic_write_json
from ohlora.weights import home

FORMAT = "ohlora-local-gains/1"


def cache_file(key: str) -> Path:
    """Where the gains of `key` are kept."""
    return home() / "calibration" / f"local-gains-{key}.json"


def gains_key(
    generator: Any,
    directions: Any,
    renderer: Any,
    meter: Any,
    calibration: dict[str, Any],
    fingerprint: tuple[np.ndarray, np.ndarray],
) -> str:
    """sha256 (hex, 24 chars) of the settings the gains depend on and of `fingerprint`: the
    images (uint8) of one calibration face rendered plainly and with a blended step, and the
    meter's reading of them. `calibration` names the calibration's own constants."""
    images, readings = fingerprint
    assert images.dtype == np.uint8 and images.ndim == 4, (images.dtype, images.shape)
    s = directions.sets["all"]
    h = hashlib.sha256()
    settings = {
        "format": FORMAT,
        "version": __version__,
        "calibration": calibration,
        "generator": generator.name,
        "directions": {"names": s.names, "space": directions.space},
        "renderer": {
            "res": renderer.res,
            "shape": asdict(renderer.shape),
            "keep_background": renderer.keep_background,
            "carry": renderer.carry,
            "carry_res": renderer.carry_res,
            "region_carry": renderer.region_carry,
            "region_steps": renderer.region_steps,
            "turn_carry": renderer.turn_carry,
        },
        "meter": {
            "scorer": type(meter.scorer).__name__,
            "columns": meter.property_columns,
            "views": meter.views,
            "normalisation": meter.normalisation.to_dict(),
        },
    }
    h.update(json.dumps(settings, sort_keys=True, default=str).encode())
    for a in (s.vectors, s.response_b, s.response_c, images):
        h.update(np.ascontiguousarray(a).tobytes())
    # readings rounded: a reading that differs in its last bits is the same meter
    h.update(np.round(np.nan_to_num(readings, nan=1e9), 4).astype(np.float64).tobytes())
    return h.hexdigest()[:24]


def load_gains(key: str) -> dict[str, float] | None:
    """The cached gains of `key`, or None (not cached, or a file that does not parse)."""
    path = cache_file(key)
    try:
        data = json.loads(path.read_text())
        if data.get("format") != FORMAT or data.get("key") != key:
            return None
        return {str(k): float(v) for k, v in data["gains"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def store_gains(key: str, gains: dict[str, float]) -> None:
    """Write the gains of `key` atomically; a cache that cannot be written is left alone."""
    with contextlib.suppress(OSError):
        atomic_write_json(cache_file(key), {"format": FORMAT, "key": key, "gains": gains})
