"""The property CNN's head areas: the spec's boxes at any resolution, the context set."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ohlora.errors import OhloraError
from ohlora.scorers.cnn.areas import CONTEXT, SPEC, area_set, box, crop
from tests.scorers.cnn.models import SPEC_256


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
