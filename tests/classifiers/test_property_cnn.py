"""The property-score CNN: areas, heads that see only their area, files, scorer units."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from ohlora.classifiers import property_cnn as pc
from ohlora.classifiers.property_areas import CONTEXT, SPEC, area_set, box, crop
from ohlora.errors import OhloraError
from ohlora.properties.columns import PROPERTIES, resolve
from ohlora.properties.normalise import Normalisation
from ohlora.store.rundir import RunDir
from ohlora.vectorfind.measure import PropertyMeter

# spec 3.2 at 256 x 256: (x0, x1, y0, y1) in pixels
SPEC_256 = {
    "eyes": (64, 192, 96, 144),  # 128 x 48
    "mouth": (96, 160, 160, 208),  # 64 x 48
    "pose": (88, 168, 112, 160),  # 80 x 48
    "hair_color": (0, 256, 0, 256),
    "hair_length": (0, 256, 128, 256),
    "background": (0, 256, 0, 128),
}


def tiny_arch(areas: str = "context", resolution: int = 64) -> pc.Architecture:
    return pc.default_architecture(resolution, areas, small=((4, 8), 8), large=((4, 8), 8))


def some_norm(seed: int = 0) -> Normalisation:
    rng = np.random.default_rng(seed)
    cols = pc.columns_for()
    return Normalisation(
        cols, rng.normal(0, 50, len(cols)), rng.uniform(0.1, 30, len(cols)), np.full(7, 100)
    )


def faces(n: int, seed: int = 0, resolution: int = 64) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, resolution, resolution, 3), dtype=np.uint8)


@pytest.mark.parametrize("resolution", [64, 256])
def test_spec_areas_land_on_the_spec_fractions(resolution):
    k = resolution / 256
    for name, expected in SPEC_256.items():
        assert box(SPEC[name], resolution) == tuple(round(v * k) for v in expected), name
    # a crop takes exactly those pixels: encode (y, x) in the image and read the corners back
    yy, xx = np.mgrid[0:resolution, 0:resolution]
    img = torch.from_numpy(np.stack([yy, xx, yy * 0], 0)[None].astype(np.float32))
    for name, (x0, x1, y0, y1) in SPEC_256.items():
        c = crop(img, SPEC[name])
        h, w = round((y1 - y0) * k), round((x1 - x0) * k)
        assert c.shape == (1, 3, h, w), name
        assert (c[0, 0, 0, 0].item(), c[0, 1, 0, 0].item()) == (y0 * k, x0 * k), name
        assert (c[0, 0, -1, -1].item(), c[0, 1, -1, -1].item()) == (y0 * k + h - 1, x0 * k + w - 1)


def test_context_areas_contain_the_spec_areas():
    for name in SPEC:
        sx0, sx1, sy0, sy1 = SPEC[name]
        cx0, cx1, cy0, cy1 = CONTEXT[name]
        assert cx0 <= sx0 and sx1 <= cx1 and cy0 <= sy0 and sy1 <= cy1, name
    with pytest.raises(OhloraError, match="unknown area set"):
        area_set("huge")


@pytest.mark.parametrize("areas", ["spec", "context"])
def test_each_head_sees_only_its_own_area(areas):
    """The gradient of a head's output is zero outside its area, and reaches its corners."""
    arch = tiny_arch(areas)
    model = pc.PropertyCNN(arch).eval()
    x = torch.randn(1, 3, 64, 64, requires_grad=True)
    out = model(x)
    assert out.shape == (1, 7)
    for j, prop in enumerate(PROPERTIES):
        (g,) = torch.autograd.grad(out[0, j], x, retain_graph=True)
        support = g.abs().sum((0, 1)) > 0
        head = pc.HEAD_OF[prop]
        x0, x1, y0, y1 = box(area_set(areas)[head], 64)
        inside = torch.zeros_like(support)
        inside[y0:y1, x0:x1] = True
        assert not (support & ~inside).any(), f"{prop} looks outside its area"
        # pooling may drop a remainder row/column; the area's top-left corner always counts
        assert support[y0, x0] and support[y0:y1, x0:x1].float().mean() > 0.8, prop


def test_output_columns_are_the_landmark_columns():
    cols = resolve("landmark")
    assert pc.columns_for() == [cols[p] for p in PROPERTIES]
    scorer = pc.CNNScorer(pc.PropertyCNN(tiny_arch()), some_norm())
    assert scorer.columns == [cols[p] for p in PROPERTIES]


def test_wrong_resolution_is_a_clear_error():
    model = pc.PropertyCNN(tiny_arch())
    with pytest.raises(OhloraError, match="trained on 64 x 64"):
        model(torch.zeros(1, 3, 128, 128))
    scorer = pc.CNNScorer(model, some_norm())
    with pytest.raises(OhloraError, match="N x 64 x 64 x 3"):
        scorer.score(faces(2, resolution=32))


def test_areas_scale_to_256_with_pooling():
    arch = pc.default_architecture(256, "spec")
    eyes = next(h for h in arch.heads if h.name == "eyes")
    assert box(eyes.area, 256) == SPEC_256["eyes"]
    assert eyes.pool == 3 and eyes.input_size(256) == (16, 42)
    model = pc.PropertyCNN(arch).eval()
    with torch.no_grad():
        assert model(torch.zeros(2, 3, 256, 256)).shape == (2, 7)


def test_save_load_round_trip_is_bit_exact(tmp_path):
    torch.manual_seed(3)
    arch = pc.default_architecture(64, "context")
    model = pc.PropertyCNN(arch)
    with torch.no_grad():  # non-trivial batch-norm statistics
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-1, 1)
                m.running_var.uniform_(0.5, 2)
    model.eval()
    norm = some_norm()
    folder = pc.save(tmp_path / "cnn", model, norm, {"note": "test"})
    loaded, norm2, cfg = pc.load(folder)
    assert loaded.arch == arch
    a, b = model.state_dict(), loaded.state_dict()
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k
    x = torch.rand(5, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        assert torch.equal(model(x), loaded(x))
    np.testing.assert_array_equal(norm2.mean, norm.mean)
    np.testing.assert_array_equal(norm2.std, norm.std)
    assert cfg["training"] == {"note": "test"}
    # the normalisation file for `ohlora sample --stats` holds the same statistics
    np.testing.assert_array_equal(Normalisation.load(folder / pc.NORMALISATION_FILE).std, norm.std)
    # a damaged or swapped weights file is refused
    (folder / pc.MODEL_FILE).write_bytes((folder / pc.MODEL_FILE).read_bytes()[:-4] + b"\0" * 4)
    with pytest.raises(OhloraError, match="does not match the digest"):
        pc.load(folder)


def test_scorer_units_round_trip_through_the_normalisation():
    torch.manual_seed(0)
    model = pc.PropertyCNN(tiny_arch()).eval()
    norm = some_norm(1)
    scorer = pc.CNNScorer(model, norm, batch_size=7)
    images = faces(20)
    images[3] = 128  # blank: no face
    res = scorer.score(images)
    assert res.raw.dtype == np.float32 and res.raw.shape == (20, 7)
    assert res.found.tolist() == [i != 3 for i in range(20)]
    assert np.isnan(res.raw[3]).all()
    with torch.no_grad():
        z = scorer.score_torch(pc.to_tensor(images)).numpy()
    ok = res.found
    # raw = the training normalisation inverted ...
    np.testing.assert_allclose(res.raw[ok], norm.invert(z[ok]), rtol=1e-5, atol=1e-4)
    # ... so the meter, which normalises raw scores again, gives back the network's output
    meter = PropertyMeter(scorer, norm, resolve("landmark"))
    m = meter.measure(images)
    np.testing.assert_allclose(m[ok], z[ok], atol=1e-4)
    assert np.isnan(m[3]).all()


def test_the_scoring_copy_computes_the_same_function():
    """Batch norm folded into the convolutions, pooling before the activation: same outputs."""
    torch.manual_seed(1)
    arch = pc.default_architecture(64, "context", small_first_convs=2)
    model = pc.PropertyCNN(arch)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(-2, 2)  # negative scales too: pooling order must not matter
                m.running_mean.uniform_(-1, 1)
                m.running_var.uniform_(0.5, 2)
    model.eval()
    fast = pc.for_inference(model)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in fast.modules())
    x = torch.rand(6, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        np.testing.assert_allclose(fast(x).numpy(), model(x).numpy(), rtol=1e-4, atol=1e-5)


def test_score_torch_is_differentiable():
    model = pc.PropertyCNN(tiny_arch()).eval()
    scorer = pc.CNNScorer(model, some_norm())
    x = torch.zeros(2, 3, 64, 64, requires_grad=True)
    scorer.score_torch(x)[:, 0].sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_from_run_finds_the_recorded_or_the_run_s_own_cnn(tmp_path):
    model = pc.PropertyCNN(tiny_arch()).eval()
    own = pc.save(tmp_path / "a" / pc.DEFAULT_FOLDER, model, some_norm(0), {})
    other = pc.save(tmp_path / "elsewhere", model, some_norm(1), {})
    assert pc.CNNScorer.from_run(tmp_path / "a").source == own
    # a run sampled with a CNN uses that CNN
    RunDir(tmp_path / "b").record_stage("sample", {"scorer": "cnn", "cnn": str(other)})
    assert pc.CNNScorer.from_run(tmp_path / "b").source == other
    # a run directory given as --cnn means its property_cnn/
    assert pc.resolve_folder(tmp_path / "a") == own
    with pytest.raises(OhloraError, match="holds no property CNN"):
        pc.CNNScorer.from_run(tmp_path / "c")
    cfg = json.loads((own / pc.CONFIG_FILE).read_text())
    cfg["format"] = "something-else"
    (own / pc.CONFIG_FILE).write_text(json.dumps(cfg))
    with pytest.raises(OhloraError, match="not a property-CNN config"):
        pc.load(own)
