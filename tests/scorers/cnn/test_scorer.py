"""The property CNN as a scorer: its columns, raw units, blank images, gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ohlora.errors import OhloraError
from ohlora.properties.columns import PROPERTIES, resolve
from ohlora.scorers.cnn.network import PropertyCNN, columns_for, to_tensor
from ohlora.scorers.cnn.scorer import CNNScorer
from ohlora.scorers.meter import PropertyMeter
from tests.scorers.cnn.models import faces, some_norm, tiny_arch


def test_output_columns_are_the_landmark_columns():
    cols = resolve("landmark")
    assert columns_for() == [cols[p] for p in PROPERTIES]
    scorer = CNNScorer(PropertyCNN(tiny_arch()), some_norm())
    assert scorer.columns == [cols[p] for p in PROPERTIES]


def test_wrong_resolution_is_a_clear_error():
    model = PropertyCNN(tiny_arch())
    with pytest.raises(OhloraError, match="trained on 64 x 64"):
        model(torch.zeros(1, 3, 128, 128))
    scorer = CNNScorer(model, some_norm())
    with pytest.raises(OhloraError, match="N x 64 x 64 x 3"):
        scorer.score(faces(2, resolution=32))


def test_scorer_units_round_trip_through_the_normalisation():
    torch.manual_seed(0)
    model = PropertyCNN(tiny_arch()).eval()
    norm = some_norm(1)
    scorer = CNNScorer(model, norm, batch_size=7)
    images = faces(20)
    images[3] = 128  # blank: no face
    res = scorer.score(images)
    assert res.raw.dtype == np.float32 and res.raw.shape == (20, 7)
    assert res.found.tolist() == [i != 3 for i in range(20)]
    assert np.isnan(res.raw[3]).all()
    with torch.no_grad():
        z = scorer.score_torch(to_tensor(images)).numpy()
    ok = res.found
    # raw = the training normalisation inverted ...
    np.testing.assert_allclose(res.raw[ok], norm.invert(z[ok]), rtol=1e-5, atol=1e-4)
    # ... so the meter, which normalises raw scores again, gives back the network's output
    meter = PropertyMeter(scorer, norm, resolve("landmark"))
    m = meter.measure(images)
    np.testing.assert_allclose(m[ok], z[ok], atol=1e-4)
    assert np.isnan(m[3]).all()


def test_score_torch_is_differentiable():
    model = PropertyCNN(tiny_arch()).eval()
    scorer = CNNScorer(model, some_norm())
    x = torch.zeros(2, 3, 64, 64, requires_grad=True)
    scorer.score_torch(x)[:, 0].sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
