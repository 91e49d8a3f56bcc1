"""The steering face descriptor (HSE faceres, real registry weights) on real generated faces."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ohlora.faces.descriptor import DIM, FaceDescriptor, crop_boxes


@pytest.fixture(scope="module")
def descriptor():
    return FaceDescriptor.pretrained()


def test_a_face_is_nearer_its_mirror_image_than_other_people(descriptor, analyzer, real_images):
    images = real_images[:16]
    marks = [analyzer.landmarks_of(im) for im in images]
    mirrored = np.ascontiguousarray(images[:, :, ::-1])
    marks_m = [analyzer.landmarks_of(im) for im in mirrored]
    d = descriptor.describe(images, marks, analyzer.size)
    dm = descriptor.describe(mirrored, marks_m, analyzer.size)
    both = np.isfinite(d).all(1) & np.isfinite(dm).all(1)
    assert both.sum() >= 12
    np.testing.assert_allclose(np.linalg.norm(d[both], axis=1), 1.0, atol=1e-5)
    same = (d[both] * dm[both]).sum(1)
    others = (d[both] @ d[both].T)[~np.eye(int(both.sum()), dtype=bool)]
    # measured: mirror images about 0.84 cosine, two unrelated faces about 0.34
    assert same.mean() > others.mean() + 0.3
    assert np.median(same) > np.quantile(others, 0.95)


def test_faces_without_landmarks_get_no_descriptor(descriptor, analyzer, real_images):
    images = real_images[:3]
    marks = [analyzer.landmarks_of(images[0]), None, analyzer.landmarks_of(images[2])]
    d = descriptor.describe(images, marks, analyzer.size)
    assert d.shape == (3, DIM) and np.isnan(d[1]).all()
    assert np.isfinite(d[[0, 2]]).all()


def test_the_crop_is_the_landmarks_box_widened():
    lm = np.array([[64.0, 96.0, 0.0], [192.0, 160.0, 0.0]], np.float32)  # in a 256 px copy
    theta, found = crop_boxes([lm, None], 256)
    assert found.tolist() == [True, False]
    side = 128 * 1.2 / 256
    np.testing.assert_allclose(theta[0].numpy(), [[side, 0, 0], [0, side, 0]], atol=1e-6)
    assert theta.shape == (2, 2, 3)


def test_descriptors_are_differentiable_in_the_image(descriptor, real_images):
    x = torch.from_numpy(real_images[:2]).permute(0, 3, 1, 2).float() / 127.5 - 1
    x.requires_grad_(True)
    theta, _ = crop_boxes([None, None], 256)
    d = descriptor.describe_torch(x, theta)
    (d[0] @ d[1]).backward()
    assert x.grad is not None and float(x.grad.abs().sum()) > 0
