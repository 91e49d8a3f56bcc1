"""The raw score columns the mesh scorer writes, and which column stands for each property.

Columns are `<algorithm>.<property>`: `alg1.*` (spec 2.1, seven properties), `alg2.*` (spec
2.2, seven) and `landmark.eyes`, `landmark.mouth`, `landmark.pose` (the landmark-precise
variant). `resolve(algorithm)` maps each property to the column that represents it.
"""

from __future__ import annotations

from ohlora.errors import OhloraError

PROPERTIES = (
    "eyes",
    "mouth",
    "pose",
    "hair_color",
    "hair_length",
    "background_mean",
    "background_std",
)
LANDMARK_PROPERTIES = ("eyes", "mouth", "pose")
ALGORITHMS = ("1", "2", "landmark")
DEFAULT_ALGORITHM = "landmark"
# Properties whose raw value changes sign when the image is mirrored left-right.
MIRROR_ODD = frozenset({"pose"})

COLUMNS: list[str] = (
    [f"alg1.{p}" for p in PROPERTIES]
    + [f"alg2.{p}" for p in PROPERTIES]
    + [f"landmark.{p}" for p in LANDMARK_PROPERTIES]
)


def resolve(algorithm: str) -> dict[str, str]:
    """{property: column} for algorithm "1", "2" or "landmark".

    "landmark" takes eyes, mouth and pose from `landmark.*` and the other four from `alg2.*`.
    """
    algorithm = str(algorithm)
    if algorithm == "1":
        return {p: f"alg1.{p}" for p in PROPERTIES}
    if algorithm == "2":
        return {p: f"alg2.{p}" for p in PROPERTIES}
    if algorithm == "landmark":
        return {
            p: (f"landmark.{p}" if p in LANDMARK_PROPERTIES else f"alg2.{p}") for p in PROPERTIES
        }
    raise OhloraError(f"unknown property algorithm {algorithm!r}: use 1, 2 or landmark")
