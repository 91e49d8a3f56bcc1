"""Direction finding recovers planted linear properties, pooled and per group."""

from __future__ import annotations

import numpy as np
import pytest

from ohlora.editing.editor import Editor
from ohlora.scorers.meter import PropertyMeter
from ohlora.vectorfind.find import find_directions
from tests.planted import (
    COLS,
    IdentityNormalisation,
    PlantedGenerator,
    PlantedScorer,
    find_planted,
    planted_samples,
)

GROUPS = ["hair_color", "hair_length", "background_mean"]


@pytest.fixture(scope="module")
def planted():
    return find_planted()


def test_directions_recover_planted_vectors(planted):
    gen, d, warnings = planted
    assert warnings == []
    for i, p in enumerate(["eyes", "mouth", "pose"]):
        cos = float(d.sets["all"].vector(p) @ gen.directions[i])
        assert cos > 0.99, (p, cos)
        assert d.sets["all"].stats[p]["val_accuracy"] > 0.95


def test_positive_step_raises_the_score(planted):
    gen, d, _ = planted
    z = gen.sample_latents(50, 10_000)
    for i, p in enumerate(["eyes", "mouth", "pose"]):
        before = z @ gen.directions[i]
        after = (z + 0.5 * d.sets["all"].vector(p)) @ gen.directions[i]
        assert np.all(after > before)
        assert np.all(d.sets["all"].slopes()[i, i] > 0)


def test_eight_groups_at_the_medians():
    gen = PlantedGenerator()
    s = planted_samples(gen, 4000)
    _, d, warnings = find_planted(gen, s, group_by=GROUPS)
    assert warnings == []
    assert set(d.sets) == {"all"} | {a + b + c for a in "hl" for b in "hl" for c in "hl"}
    for p in GROUPS:
        assert np.isclose(d.group_thresholds[p], np.median(s.column(COLS[p])))
    sizes = [d.sets[g].stats["group_size"] for g in d.sets if g != "all"]
    assert sum(sizes) == 4000
    for g in d.sets:  # every group still finds the planted eyes direction
        assert d.sets[g].vector("eyes") @ gen.directions[0] > 0.97

    meter = PropertyMeter(PlantedScorer(), IdentityNormalisation(), COLS)
    editor = Editor(gen, d, meter=meter, refine=0)
    z = gen.sample_latents(30, 9000)
    res = editor.edit(z, {"eyes": np.full(30, 1.0)})
    base = meter.measure(gen.synthesize(z))
    expected = np.array(
        [
            "".join(
                "h" if base[i, 3 + j] >= d.group_thresholds[p] else "l"
                for j, p in enumerate(GROUPS)
            )
            for i in range(30)
        ]
    )
    assert (res.groups == expected).all()
    np.testing.assert_allclose(meter.measure(res.images)[:, 0], 1.0, atol=0.15)


def test_small_groups_are_reported_not_merged():
    gen = PlantedGenerator()
    d, warnings = find_directions(
        planted_samples(gen, 120),
        gen,
        space="z",
        steered=["eyes"],
        kept=[],
        k=20,
        algorithm="planted",
        property_columns=COLS,
        normalisation={},
        group_by=GROUPS,
    )
    assert warnings, "groups of ~15 faces cannot give 20 top + 20 bottom"
    assert all("left out" in w for w in warnings)
    assert "all" in d.sets
    missing = {a + b + c for a in "hl" for b in "hl" for c in "hl"} - set(d.sets)
    assert missing and all(any(m in w for w in warnings) for m in missing)
