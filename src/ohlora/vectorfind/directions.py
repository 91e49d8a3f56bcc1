"""A found set of directions, saved as safetensors (vectors, response model) + JSON (the rest),
in the model folder format of `ohlora.modelfolder`.

`Directions` holds one `DirectionSet` per group of faces ("all" when ungrouped; "hhh" ..
"lll" with grouping). Each set has the unit directions of the steered properties (and of the
properties to keep still, when asked) and a linear response model `score ≈ B · latent + c`
for every property, fitted on the same samples: `B @ direction` is how far each normalised
score moves per unit step, which is how a normalised target becomes a step.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ohlora.errors import OhloraError
from ohlora.modelfolder import ModelFolder, damaged
from ohlora.runinfo import provenance

STEM = "directions"
VECTORS_FILE = f"{STEM}.safetensors"
META_FILE = f"{STEM}.json"
FORMAT = "ohlora-directions/1"
FIND_FIRST = (
    "run `ohlora find-directions --run RUN` first, or give --directions FOLDER holding "
    "directions.json"
)
REFIND = (
    "rerun `ohlora find-directions --run RUN` to rewrite them (or give --directions FOLDER "
    "holding good ones)"
)


@dataclass
class DirectionSet:
    """Directions and response model of one group of faces.

    vectors: float32 (M, D) unit directions, one per name in `names` (steered then kept).
    response_b / response_c: float32 (Q, D) and (Q,), the linear model of each property in
    `response_properties` (normalised units) over the flattened latent.
    """

    names: list[str]
    vectors: np.ndarray
    response_properties: list[str]
    response_b: np.ndarray
    response_c: np.ndarray
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        m, d = self.vectors.shape
        assert m == len(self.names), (m, self.names)
        assert self.response_b.shape == (len(self.response_properties), d), self.response_b.shape
        assert self.response_c.shape == (len(self.response_properties),)

    def slopes(self) -> np.ndarray:
        """(Q, M): change of each normalised property per unit step along each direction."""
        return self.response_b @ self.vectors.T

    def predict(self, latents: np.ndarray) -> np.ndarray:
        """(N, Q) predicted normalised scores of flattened latents."""
        return latents.reshape(len(latents), -1) @ self.response_b.T + self.response_c

    def vector(self, name: str) -> np.ndarray:
        if name not in self.names:
            raise OhloraError(f"no direction for {name!r}; found: {', '.join(self.names)}")
        return self.vectors[self.names.index(name)]


@dataclass
class Directions:
    """Everything `ohlora edit` needs to steer faces of one generator in one latent space."""

    generator: str
    space: str
    latent_shape: tuple[int, ...]
    steered: list[str]
    kept: list[str]
    sets: dict[str, DirectionSet]
    params: dict[str, Any]
    normalisation: dict[str, Any]
    algorithm: str
    layers: list[int] | None = None
    group_by: list[str] = field(default_factory=list)
    group_thresholds: dict[str, float] = field(default_factory=dict)

    def save(self, folder: Path) -> None:
        """Write `directions.safetensors` + `directions.json` into `folder`."""
        folder.mkdir(parents=True, exist_ok=True)
        tensors: dict[str, np.ndarray] = {}
        sets_meta: dict[str, Any] = {}
        for g, s in self.sets.items():
            tensors[f"{g}.vectors"] = np.ascontiguousarray(s.vectors, np.float32)
            tensors[f"{g}.response_b"] = np.ascontiguousarray(s.response_b, np.float32)
            tensors[f"{g}.response_c"] = np.ascontiguousarray(s.response_c, np.float32)
            sets_meta[g] = {
                "names": s.names,
                "response_properties": s.response_properties,
                "stats": s.stats,
            }
        meta = {k: v for k, v in asdict(self).items() if k != "sets"}
        meta["latent_shape"] = list(self.latent_shape)
        meta["sets"] = sets_meta
        meta["provenance"] = provenance()
        meta["how_to_step"] = (
            "For a face with latent x and measured normalised scores s, a target t is reached "
            "by x + V^T a where V holds the unit vectors of the face's group and a solves "
            "(B V^T) a = t - s in least squares (B: response_b; unasked properties keep "
            "t = s). One unit of a moves each property by (B V^T) normalised units."
        )
        ModelFolder.named(folder, STEM).save(tensors, meta, kind=FORMAT)

    @classmethod
    def load(cls, path: Path) -> Directions:
        """Load from a run directory, a directions folder, or a directions.json path."""
        path = Path(path)
        folder = path.parent if path.suffix == ".json" else path
        if (folder / "directions").is_dir() and not (folder / META_FILE).exists():
            folder = folder / "directions"
        mf = ModelFolder.named(folder, STEM)
        if not mf.exists():
            raise OhloraError(f"no directions in {path}: {FIND_FIRST}")
        tensors, meta = mf.load(kind=FORMAT, what="directions", remedy=REFIND, framework="np")
        with damaged(mf.config_path, REFIND):
            sets = {
                g: DirectionSet(
                    names=list(m["names"]),
                    vectors=tensors[f"{g}.vectors"],
                    response_properties=list(m["response_properties"]),
                    response_b=tensors[f"{g}.response_b"],
                    response_c=tensors[f"{g}.response_c"],
                    stats=m.get("stats", {}),
                )
                for g, m in meta["sets"].items()
            }
            d = cls(
                generator=meta["generator"],
                space=meta["space"],
                latent_shape=tuple(int(k) for k in meta["latent_shape"]),
                steered=list(meta["steered"]),
                kept=list(meta["kept"]),
                sets=sets,
                params=meta["params"],
                normalisation=meta["normalisation"],
                algorithm=meta["algorithm"],
                layers=meta.get("layers"),
                group_by=meta.get("group_by", []),
                group_thresholds=meta.get("group_thresholds", {}),
            )
        d.check(mf.weights_path)
        return d

    def check(self, where: Path | str) -> None:
        """Refuse directions that would steer wrongly: every set non-empty with one row per
        name, rows the size of the latent, unit length (within 1e-3), everything finite."""
        dim = int(np.prod(self.latent_shape)) if self.latent_shape else 0
        problems = []
        if "all" not in self.sets:
            problems.append("no pooled set 'all'")
        for g, s in self.sets.items():
            if not np.issubdtype(s.vectors.dtype, np.floating) or s.vectors.shape[1] != dim:
                problems.append(f"set {g}: vectors {s.vectors.shape}, latent needs {dim} columns")
                continue
            for name in self.steered:
                if name not in s.names:
                    problems.append(f"set {g}: no direction for steered {name}")
            arrays = (s.vectors, s.response_b, s.response_c)
            if not all(np.isfinite(a).all() for a in arrays):
                problems.append(f"set {g}: non-finite numbers")
                continue
            norms = np.linalg.norm(s.vectors, axis=1)
            bad = [f"{n} {v:.3g}" for n, v in zip(s.names, norms, strict=True) if abs(v - 1) > 1e-3]
            if bad:
                problems.append(f"set {g}: directions not of unit length ({', '.join(bad)})")
        if problems:
            raise OhloraError(f"{where} is damaged: {'; '.join(problems[:3])}: {REFIND}")

    def reach(self, prop: str) -> tuple[float, float] | None:
        """The normalised values of `prop` the training faces spanned (None for directions
        found before this was recorded)."""
        stats = self.sets["all"].stats.get(prop, {})
        r = stats.get("reach") if isinstance(stats, dict) else None
        return (float(r[0]), float(r[1])) if r else None

    def beyond_reach(self, targets: dict[str, np.ndarray]) -> list[str]:
        """One line per property with asked targets outside `reach` (NaN: not asked)."""
        lines = []
        for prop, t in targets.items():
            span = self.reach(prop)
            t = np.asarray(t, np.float64)
            asked = t[np.isfinite(t)]
            if span is None or not len(asked):
                continue
            out = asked[(asked < span[0]) | (asked > span[1])]
            if len(out):
                lines.append(
                    f"{prop} target{'s' if len(out) > 1 else ''} "
                    f"{', '.join(f'{v:+g}' for v in out[:3])}{' ...' if len(out) > 3 else ''} "
                    f"beyond what the training faces reached ({span[0]:+.2f}..{span[1]:+.2f}): "
                    "expect the edit to stop short"
                )
        return lines

    def group_of(self, scores: dict[str, np.ndarray]) -> np.ndarray:
        """Group name of each face from its measured (normalised) grouping properties."""
        n = len(next(iter(scores.values()))) if scores else 0
        if not self.group_by:
            return np.array(["all"] * n)
        letters = []
        for prop in self.group_by:
            v = scores[prop]
            letters.append(np.where(v >= self.group_thresholds[prop], "h", "l"))
        names = np.array(["".join(t) for t in zip(*letters, strict=True)])
        # A face whose group had too few samples falls back to the pooled set, said in stats.
        return np.array([g if g in self.sets else "all" for g in names])


def load_directions(run: Path | None, directions: Path | None) -> Directions:
    """Directions from --directions, else from RUN/directions."""
    if directions is not None:
        return Directions.load(directions)
    if run is None:
        raise OhloraError("give --run RUN (holding directions) or --directions FOLDER")
    return Directions.load(Path(run) / "directions")
