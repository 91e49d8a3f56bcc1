"""Region-local edits on the real DCGAN: the blend is exact at its limits, an eyes edit leaves
the mouth alone (and the other way round), a pose edit keeps the background."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ohlora.editing.editor import Editor
from ohlora.editing.local import (
    BlendMasks,
    CarryFlow,
    LocalRenderer,
    _share,
    region_share,
    supports_local,
)
from ohlora.errors import OhloraError
from ohlora.vectorfind.directions import load_directions


def _masks(n: int, regions: float, person: float) -> BlendMasks:
    return BlendMasks(
        np.full((n, 16, 16), regions, np.float32),
        np.full((n, 16, 16), person, np.float32),
        np.ones(n, bool),
    )


def test_blend_limits_are_the_three_faces(dcgan):
    base, posed, full = (dcgan.sample_latents(3, s) for s in (1, 2, 3))
    r = LocalRenderer(dcgan)
    assert np.array_equal(r.render(base, posed, full, _masks(3, 0, 0)), dcgan.synthesize(base))
    assert np.array_equal(r.render(base, posed, full, _masks(3, 0, 1)), dcgan.synthesize(posed))
    assert np.array_equal(r.render(base, posed, full, _masks(3, 1, 1)), dcgan.synthesize(full))
    mixed = r.render(base, posed, full, _masks(3, 0.5, 1))
    assert not np.array_equal(mixed, dcgan.synthesize(posed))
    assert supports_local(dcgan, "z") and not supports_local(dcgan, "w")


def test_each_region_shows_its_own_latent_and_faceless_rows_the_full_edit(dcgan):
    base, posed, full, eyes, mouth = (dcgan.sample_latents(3, s) for s in (1, 2, 3, 4, 5))
    r = LocalRenderer(dcgan)
    top = np.zeros((3, 16, 16), np.float32)
    top[:, :8] = 1.0
    m = _masks(3, 1, 1)
    m.parts = {"eyes": top, "mouth": 1.0 - top}
    got = r.render(base, posed, full, m, {"eyes": eyes, "mouth": mouth})
    # the eyes' latent where the eyes' mask is, the mouth's where the mouth's is: at 16 px
    # the halves are exactly the features of each (the later layers blur the seam)
    he, hm = dcgan.features(eyes, 16), dcgan.features(mouth, 16)
    halves = dcgan.from_features(torch.cat([he[..., :8, :], hm[..., 8:, :]], 2))
    assert np.abs(got.astype(int) - halves).max() <= 1  # float rounding of the blend
    assert not np.array_equal(got, dcgan.synthesize(full))
    # a row where no face was found shows the full edit inside `regions` (its parts are 0)
    m.found[1] = False
    m.parts = {"eyes": top * (np.arange(3) != 1)[:, None, None], "mouth": m.parts["mouth"]}
    m.parts["mouth"][1] = 0.0
    lost = r.render(base, posed, full, m, {"eyes": eyes, "mouth": mouth})
    assert np.abs(lost[1].astype(int) - dcgan.synthesize(full[1:2])[0]).max() <= 1
    assert np.array_equal(lost[[0, 2]], got[[0, 2]])
    with pytest.raises(OhloraError, match="own or shared"):
        LocalRenderer(dcgan, region_steps="apart")


def _change(a: np.ndarray, b: np.ndarray, rows: slice, cols: slice = slice(None)) -> float:
    return float(np.abs(a[:, rows, cols].astype(float) - b[:, rows, cols].astype(float)).mean())


@pytest.fixture(scope="module")
def editors(small_run, dcgan):
    d = load_directions(small_run, None)
    local = Editor(dcgan, d, refine=0, method="local")
    yield local, Editor(dcgan, d, refine=0, method="calibrated")
    local.close()


@pytest.mark.slow
def test_eyes_edit_leaves_the_mouth_and_mouth_edit_the_eyes(editors, dcgan):
    local, calibrated = editors
    z = dcgan.sample_latents(8, 99)
    base = dcgan.synthesize(z)
    bands = {"eyes": slice(20, 36), "mouth": slice(40, 58)}
    far_of = {"eyes": slice(48, 64), "mouth": slice(0, 20)}
    for prop, far in far_of.items():
        t = {prop: np.full(8, 1.5)}
        loc, glob = local.edit(z, t).images, calibrated.edit(z, t).images
        # the asked region changes about as much either way...
        near = bands[prop]
        centre = slice(20, 44)
        assert _change(loc, base, near, centre) > 0.5 * _change(glob, base, near, centre), prop
        # ...the far half of the face far less with the local edit
        assert _change(loc, base, far) < 0.35 * _change(glob, base, far), prop


@pytest.mark.slow
def test_an_asked_region_shows_the_posed_latent_plus_its_own_step(editors, dcgan, monkeypatch):
    local, _ = editors
    seen: dict = {}
    render = local.local.render

    def spy(base, posed, full, masks, parts=None):
        seen.update(posed=posed, full=full, masks=masks, parts=parts)
        return render(base, posed, full, masks, parts)

    monkeypatch.setattr(local.local, "render", spy)
    z = dcgan.sample_latents(4, 17)
    asks = {"eyes": np.array([1.2, np.nan, 1.2, -1.2]), "mouth": np.array([1.5, 1.5, np.nan, -1])}
    res = local.edit(z, {**asks, "pose": np.full(4, -1.0)})
    s = local.d.sets["all"]
    parts, masks = seen["parts"], seen["masks"]
    assert set(parts) == set(masks.parts) == {"eyes", "mouth"}
    # each region's latent: the posed latent plus that region's own step, nothing of the other
    for region in ("eyes", "mouth"):
        j = s.names.index(region)
        own = res.steps[:, j : j + 1] * s.vectors[j][None, :]
        np.testing.assert_allclose(parts[region] - seen["posed"], own, atol=1e-5)
        assert np.abs(own[np.isfinite(asks[region])]).max() > 0.1
        # a row that does not ask the region shows none of it
        assert np.all(masks.parts[region][~np.isfinite(asks[region])] == 0)
    # each region's own mask, their union the regions' mask (row 0 asks both)
    assert np.abs(masks.parts["eyes"][0] - masks.parts["mouth"][0]).max() > 0.5
    np.testing.assert_allclose(
        masks.regions[0], np.maximum(masks.parts["eyes"][0], masks.parts["mouth"][0])
    )
    # the full edit holds both steps, and it is what "shared" shows in every region
    assert np.abs(seen["full"] - parts["eyes"]).max() > 0.1
    monkeypatch.setattr(local.local, "region_steps", "shared")
    local.edit(z, asks)
    assert seen["parts"] is None


@pytest.mark.slow
def test_pose_edit_keeps_the_background(editors, dcgan):
    local, calibrated = editors
    z = dcgan.sample_latents(6, 123)
    base = dcgan.synthesize(z)
    t = {"pose": np.full(6, -1.5)}
    res, glob = local.edit(z, t), calibrated.edit(z, t).images
    posed = z + local._offset(local._global_steps(res.steps, res.groups), res.groups)
    masks = local.local.masks(z, posed, [()] * 6)
    # outside both faces' person masks the background is the base face's, pixel for pixel
    outside = masks.person_image < 0.01
    assert outside.mean() > 0.02
    diff = np.abs(res.images.astype(int) - base)
    assert diff.max(-1)[outside].max() <= 1
    assert np.abs(glob.astype(int) - base).max(-1)[outside].mean() > 5


@pytest.mark.slow
def test_calibrated_local_steps_reach_further_than_uncalibrated(small_run, dcgan, monkeypatch):
    from ohlora.editing import editor as editor_module
    from ohlora.scorers.meter import open_meter

    # calibrate here, whatever an earlier editor left in the gains' disk cache
    monkeypatch.setattr(editor_module, "load_gains", lambda key: None)
    monkeypatch.setattr(editor_module, "store_gains", lambda key, gains: None)
    d = load_directions(small_run, None)
    meter = open_meter(small_run, "mesh", workers=0)
    editor = Editor(dcgan, d, meter=meter, refine=0, method="local")
    try:
        gains = editor.local_gains()
        assert set(gains) == {"eyes", "mouth"} and all(0.2 <= g < 1.0 for g in gains.values())
        z = dcgan.sample_latents(8, 555)
        base = meter.measure(dcgan.synthesize(z))
        q = editor.properties.index("eyes")
        target = {"eyes": np.where(base[:, q] > 0, base[:, q] - 1.2, base[:, q] + 1.2)}
        reached = {}
        for name, g in (("calibrated", gains), ("uncalibrated", {})):
            editor._gains = g
            got = meter.measure(editor.edit(z, target, base_measured=base).images)[:, q]
            reached[name] = np.nanmean(np.abs(got - base[:, q]))
        # a blended step moves the eyes less than a global one: the calibrated solve steps
        # further and gets closer to the asked 1.2
        assert reached["calibrated"] > reached["uncalibrated"] + 0.1, reached
    finally:
        editor.close()


def _pose_step(small_run) -> np.ndarray:
    d = load_directions(small_run, None)
    return 2.5 * d.sets["all"].vectors[d.sets["all"].names.index("pose")].astype(np.float32)


def test_carry_keeps_an_unturned_face_and_is_off_without_landmarks(dcgan):
    z = dcgan.sample_latents(3, 7)
    r = LocalRenderer(dcgan, carry=0.5)
    try:
        m = r.masks(z, z, [()] * 3)
        assert m.carry is not None and np.all(r.carry_grids(z, m.carry)[1] == 0.5)
        # nothing turned: the flow stands still and the face is the base face exactly
        assert np.array_equal(r.render(z, z, z, m), dcgan.synthesize(z))
    finally:
        r.close()
    # where no landmarks were found the carried share is 0: the posed face as it is
    posed = dcgan.sample_latents(3, 8)
    m = _masks(3, 0, 1)
    m.carry = CarryFlow([None] * 3, 256)
    assert np.array_equal(r.render(z, posed, posed, m), dcgan.synthesize(posed))


@pytest.mark.slow
def test_carry_brings_the_turned_face_back_towards_its_own(small_run, dcgan):
    z = dcgan.sample_latents(6, 31)
    posed = z + _pose_step(small_run)
    base = dcgan.synthesize(z).astype(float)
    r = LocalRenderer(dcgan, carry=0.6, keep_background=False)
    try:
        m = r.masks(z, posed, [()] * 6)
        assert m.carry is not None
        grids, weight = r.carry_grids(posed, m.carry)
        assert weight.mean() > 0.3  # faces found
        carried = r.render(z, posed, posed, m).astype(float)
        turned = dcgan.synthesize(posed).astype(float)
        # the colours of the face (mean over the middle of the image) come back towards the
        # base face's, while the geometry stays the turned one (not the base image itself)
        mid = (slice(None), slice(16, 48), slice(16, 48))
        gap_turned = np.abs(turned[mid].mean((1, 2)) - base[mid].mean((1, 2))).mean()
        gap_carried = np.abs(carried[mid].mean((1, 2)) - base[mid].mean((1, 2))).mean()
        assert gap_carried < 0.7 * gap_turned, (gap_carried, gap_turned)
        assert np.abs(carried - base).mean() > 3.0
        # inside the eyes and mouth regions the fully edited face is carried the same way
        everywhere = BlendMasks(np.ones_like(m.regions), m.person, m.found, None, m.carry)
        assert np.array_equal(r.render(z, posed, posed, everywhere), carried.astype(np.uint8))
        # a closed-loop round turns further: the flow is found again for the moved rows
        further = posed + 0.5 * _pose_step(small_run)
        assert np.abs(r.carry_grids(further, m.carry)[0] - grids).max() > 0.01
        assert np.array_equal(r.carry_grids(posed, m.carry)[0], grids)
        # the fully edited face follows its own landmarks (a mouth opened on the turned face
        # moves its flow), and inside the regions it is carried along that flow
        d = load_directions(small_run, None)
        mouth = d.sets["all"].vectors[d.sets["all"].names.index("mouth")].astype(np.float32)
        full = posed + 2.5 * mouth
        full_grids, full_weight = r.carry_grids(full, m.carry)
        assert np.abs(full_grids - grids).max() > 0.01
        coarse = dcgan.features(z, r.carry_res)
        h4, correction = r._correction(coarse, full, full_grids)
        own = dcgan.from_features(dcgan.advance(h4 + correction * _share(full_weight), r.res))
        assert np.array_equal(r.render(z, posed, full, everywhere), own)
    finally:
        r.close()


def test_a_region_counts_every_4px_cell_it_touches_and_8px_cells_by_area():
    m = torch.zeros(1, 1, 16, 16)
    m[0, 0, 5, 6] = 0.3  # one pixel of the blend map, in coarse cell (1, 1) at 4 px
    cells = region_share(m, 4)
    assert cells.shape == (1, 1, 4, 4) and float(cells[0, 0, 1, 1]) == pytest.approx(0.3)
    assert float(cells.sum()) == pytest.approx(0.3)  # no other cell
    cells = region_share(m, 8)  # cell (2, 3), a quarter of it at 0.3
    assert cells.shape == (1, 1, 8, 8) and float(cells[0, 0, 2, 3]) == pytest.approx(0.075)
    assert float(cells.sum()) == pytest.approx(0.075)


def test_without_region_carry_a_region_shows_the_edit_as_it_is(dcgan):
    z = dcgan.sample_latents(2, 51)
    full = dcgan.sample_latents(2, 52)
    for res in (4, 8):
        r = LocalRenderer(dcgan, carry=0.8, carry_res=res, region_carry=0.0, keep_background=False)
        try:
            m = r.masks(z, z, [("eyes",)] * 2)
            assert m.carry is not None
            everywhere = BlendMasks(np.ones_like(m.regions), m.person, m.found, None, m.carry)
            # the region covers every cell: nothing of the unedited face is carried into it
            assert np.array_equal(r.render(z, z, full, everywhere), dcgan.synthesize(full)), res
            # with region carry the unedited face comes back into the region
            r.region_carry = 1.0
            assert not np.array_equal(r.render(z, z, full, everywhere), dcgan.synthesize(full))
        finally:
            r.close()


@pytest.mark.parametrize("res", [2, 16, 5])
def test_a_carry_map_of_another_size_is_refused(dcgan, res):
    with pytest.raises(OhloraError, match="must be 4 or 8 px"):
        LocalRenderer(dcgan, carry=0.5, carry_res=res)


@pytest.mark.parametrize(
    ("option", "value", "flag"),
    [
        ("carry", 1.0, "--carry"),
        ("region_carry", -0.1, "--region-carry"),
        ("turn_carry", 2.0, "--turn-carry"),
    ],
)
def test_a_share_outside_0_1_is_refused_naming_its_option(dcgan, option, value, flag):
    with pytest.raises(OhloraError, match=f"\\({flag}\\) must lie in 0..1"):
        LocalRenderer(dcgan, **{option: value})


def test_an_editors_closed_loop_keeps_the_first_flows(dcgan):
    z = dcgan.sample_latents(2, 41)
    posed = dcgan.sample_latents(2, 42)
    moved = dcgan.sample_latents(2, 43)
    r = LocalRenderer(dcgan, carry=0.5)
    try:
        m = r.masks(z, posed, [()] * 2)
        assert m.carry is not None
        first = r.render(z, posed, posed, m)
        m.carry.freeze = True
        # frozen: a later render of moved latents reuses the first render's grids...
        frozen = r.render(z, moved, moved, m)
        m.carry.freeze, m.carry.first = False, {}
        # ...unfrozen, the moved latents get their own
        fresh = r.render(z, moved, moved, m)
        assert not np.array_equal(frozen, fresh)
        m.carry.first = {}
        assert np.array_equal(r.render(z, posed, posed, m), first)
    finally:
        r.close()


def test_a_face_seen_again_is_not_analysed_or_rendered_again_and_renders_the_same(dcgan):
    z = dcgan.sample_latents(2, 610)
    posed = dcgan.sample_latents(2, 620)
    full = [dcgan.sample_latents(2, s) for s in (630, 640)]
    r = LocalRenderer(dcgan, carry=0.8, carry_res=4)
    try:
        m = r.masks(z, posed, [("eyes",)] * 2)
        first = r.render(z, posed, full[0], m)
        assert (r.faces.computed, r.bases.computed) == (4, 2)  # two base and two posed faces
        # the studio's next slider move: the same face and turn, other eyes
        m2 = r.masks(z, posed, [("eyes",)] * 2)
        second = r.render(z, posed, full[1], m2)
        assert (r.faces.computed, r.bases.computed) == (4, 2)
        assert np.array_equal(m2.regions, m.regions) and np.array_equal(m2.person, m.person)
    finally:
        r.close()
    # a renderer that remembers nothing draws the same faces
    fresh = LocalRenderer(dcgan, carry=0.8, carry_res=4)
    try:
        m = fresh.masks(z, posed, [("eyes",)] * 2)
        assert np.array_equal(fresh.render(z, posed, full[1], m), second)
        assert not np.array_equal(first, second)
    finally:
        fresh.close()


@pytest.mark.slow
def test_turn_carry_brings_the_person_back_inside_the_regions_and_not_the_step(small_run, dcgan):
    z = dcgan.sample_latents(6, 41)
    d = load_directions(small_run, None)
    eyes = 2.5 * d.sets["all"].vectors[d.sets["all"].names.index("eyes")].astype(np.float32)
    base = dcgan.synthesize(z).astype(float)
    # one renderer, its option switched between renders (analyses and flows are shared)
    r = LocalRenderer(dcgan, carry=0.8, carry_res=4, region_carry=0.0)

    def render(turn_carry: float, *args) -> np.ndarray:
        r.turn_carry = turn_carry
        return r.render(*args)

    try:
        # no turn: nothing to correct, the two render alike (the eyes step as it was)
        m = r.masks(z, z, [("eyes",)] * 6)
        args = (z, z, z + eyes, m, {"eyes": z + eyes})
        assert np.array_equal(render(0.0, *args), render(1.0, *args))
        # a turn: inside the eyes region the face's colours come back towards the person's
        posed = z + _pose_step(small_run)
        m = r.masks(z, posed, [("eyes",)] * 6)
        assert m.carry is not None and m.found.all()
        args = (z, posed, posed + eyes, m, {"eyes": posed + eyes})
        before = render(0.0, *args).astype(float)
        after = render(1.0, *args).astype(float)
        big = torch.nn.functional.interpolate(torch.from_numpy(m.parts["eyes"])[:, None], 64)
        w = big[:, 0, :, :, None].numpy()

        def gap(im: np.ndarray) -> float:  # region's mean colour against the base face's
            mean = lambda x: (x * w).sum((1, 2)) / w.sum((1, 2))  # noqa: E731
            return float(np.abs(mean(im) - mean(base)).mean())

        assert gap(after) < 0.8 * gap(before), (gap(after), gap(before))
        # the region still shows its own step: not the turned face without it
        without = render(1.0, z, posed, posed, m, {"eyes": posed}).astype(float)
        assert np.abs((after - without) * w).sum() / w.sum() / 3 > 2.0
    finally:
        r.close()
