"""Relabelling a mesh-scored store with the property CNN: same faces, the CNN's scores."""

from __future__ import annotations

import numpy as np
import torch

from ohlora.properties.normalise import Normalisation
from ohlora.scorers.cnn import folder as cnn_folder
from ohlora.scorers.cnn.network import PropertyCNN, columns_for, default_architecture
from ohlora.scorers.cnn.rescore import rescore_with_cnn
from ohlora.scorers.cnn.scorer import CNNScorer
from ohlora.store.samples import Samples


def test_rescore_keeps_faces_and_population_and_uses_run_units(tmp_path, dcgan):
    torch.manual_seed(0)
    arch = default_architecture(64, "context", small=((4, 8), 8), large=((4, 8), 8))
    cols = columns_for()
    cnn_norm = Normalisation(cols, np.zeros(7), np.ones(7), np.full(7, 10))
    folder = cnn_folder.save(
        tmp_path / "cnn", PropertyCNN(arch).eval(), cnn_norm, {"generator": dcgan.name}
    )
    n = 12
    z = dcgan.sample_latents(n, 3)
    found = np.arange(n) % 4 != 0
    mesh = Samples(
        index=np.arange(n),
        seed=np.arange(n),
        z=z,
        raw=np.zeros((n, 3), np.float32),
        found=found,
        columns=["a", "b", "c"],
        normalised=np.zeros((n, 3), np.float32),
        annotations={"gender": np.linspace(0, 1, n)},
    )
    run_norm = Normalisation(cols, np.arange(7.0), np.full(7, 2.0), np.full(7, 10))
    out = rescore_with_cnn(mesh, dcgan.name, folder, run_norm, batch=5)

    assert out.columns == cols and out.raw.shape == (n, 7)
    np.testing.assert_array_equal(out.found, found)  # the mesh's population, not the CNN's
    assert np.isnan(out.raw[~found]).all()
    want = CNNScorer.from_dir(folder).score(dcgan.synthesize(z[found])).raw
    np.testing.assert_allclose(out.raw[found], want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(out.normalised[found], (want - np.arange(7.0)) / 2.0, atol=1e-5)
    np.testing.assert_array_equal(out.annotations["gender"], mesh.annotations["gender"])
