"""The TF.js graph runner against a NumPy reference that computes TensorFlow's own semantics in
NHWC (SAME padding with the odd pixel after, depthwise channel order, float16 weights)."""

from __future__ import annotations

import base64
import json
import math

import numpy as np
import pytest
import torch

from ohlora.errors import OhloraError
from ohlora.faces.tfjs_graph import GraphModel, convert_graph_model


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _conv_attr(stride: int, padding: str) -> dict:
    return {
        "strides": {"list": {"i": ["1", str(stride), str(stride), "1"]}},
        "padding": {"s": _b64(padding)},
        "data_format": {"s": _b64("NHWC")},
        "dilations": {"list": {"i": ["1", "1", "1", "1"]}},
    }


def write_model(folder, stem: str = "model", extra_nodes=()) -> dict[str, np.ndarray]:
    """A small MobileNet-like graph model written as TF.js files (STEM.json, STEM.bin), cut
    at node "mean" for a runnable graph; returns its constants."""
    rng = np.random.default_rng(0)
    consts = {
        "conv/kernel": rng.standard_normal((3, 3, 3, 4)).astype(np.float16),  # quantised
        "bn/mul": rng.uniform(0.5, 1.5, 4).astype(np.float32),
        "bn/sub": rng.standard_normal(4).astype(np.float32),
        "six": np.array(6.0, np.float32),
        "zero": np.array(0.0, np.float32),
        "dw/kernel": rng.standard_normal((3, 3, 4, 2)).astype(np.float32),  # multiplier 2
        "pw/kernel": rng.standard_normal((1, 1, 8, 5)).astype(np.float32),
        "axes": np.array([1, 2], np.int32),
        "head/kernel": rng.standard_normal((5, 2)).astype(np.float32),
    }
    nodes = [{"name": k, "op": "Const"} for k in consts]
    nodes += [
        {"name": "input_1", "op": "Placeholder"},
        {
            "name": "conv",
            "op": "Conv2D",
            "input": ["input_1", "conv/kernel"],
            "attr": _conv_attr(2, "SAME"),
        },
        {"name": "mul", "op": "Mul", "input": ["conv", "bn/mul"]},
        {"name": "add", "op": "Add", "input": ["mul", "bn/sub"]},
        {"name": "relu", "op": "Relu", "input": ["add"]},
        {"name": "min", "op": "Minimum", "input": ["relu", "six"]},
        {"name": "clip", "op": "Maximum", "input": ["min", "zero"]},
        {
            "name": "dw",
            "op": "DepthwiseConv2dNative",
            "input": ["clip", "dw/kernel"],
            "attr": _conv_attr(1, "SAME"),
        },
        {
            "name": "pw",
            "op": "Conv2D",
            "input": ["dw", "pw/kernel"],
            "attr": _conv_attr(1, "VALID"),
        },
        {
            "name": "mean",
            "op": "Mean",
            "input": ["pw", "axes"],
            "attr": {"keep_dims": {"b": False}},
        },
        {"name": "head", "op": "_FusedMatMul", "input": ["mean", "head/kernel"]},
        *extra_nodes,
    ]
    manifest, blobs = [], []
    for name, a in consts.items():
        w = {
            "name": name,
            "shape": list(a.shape),
            "dtype": "int32" if a.dtype == np.int32 else "float32",
        }
        if a.dtype == np.float16:
            w["quantization"] = {"dtype": "float16", "original_dtype": "float32"}
        manifest.append(w)
        blobs.append(a.tobytes())
    (folder / f"{stem}.bin").write_bytes(b"".join(blobs))
    model = {
        "format": "graph-model",
        "modelTopology": {"node": nodes},
        "weightsManifest": [{"paths": [f"{stem}.bin"], "weights": manifest}],
    }
    (folder / f"{stem}.json").write_text(json.dumps(model))
    return consts


def _conv_nhwc(x, k, stride, same, depthwise=False):
    """TensorFlow's convolution, written out: NHWC input, (kh, kw, cin, cout | multiplier)."""
    n, h, w, _ = x.shape
    kh, kw = k.shape[:2]
    if same:
        oh, ow = math.ceil(h / stride), math.ceil(w / stride)
        ph, pw = max((oh - 1) * stride + kh - h, 0), max((ow - 1) * stride + kw - w, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    else:
        oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    out = []
    for i in range(oh):
        row = []
        for j in range(ow):
            patch = x[:, i * stride : i * stride + kh, j * stride : j * stride + kw, :]
            if depthwise:  # output channel c * multiplier + m
                row.append(np.einsum("nabc,abcm->ncm", patch, k).reshape(n, -1))
            else:
                row.append(np.einsum("nabc,abco->no", patch, k))
        out.append(np.stack(row, 1))
    return np.stack(out, 1)


def _reference(x, c):
    k = c["conv/kernel"].astype(np.float32)
    h = _conv_nhwc(x, k, 2, True) * c["bn/mul"] + c["bn/sub"]
    h = np.clip(h, 0, 6)
    h = _conv_nhwc(h, c["dw/kernel"], 1, True, depthwise=True)
    h = _conv_nhwc(h, c["pw/kernel"], 1, False)
    return h.mean((1, 2))


def test_a_converted_graph_computes_what_tensorflow_would(tmp_path):
    consts = write_model(tmp_path)
    tensors, config = convert_graph_model(tmp_path, "mean")
    assert "head/kernel" not in tensors  # cut at the output: the head is not needed
    assert [s["name"] for s in config["graph"]][-1] == "mean"
    net = GraphModel({k: torch.from_numpy(v) for k, v in tensors.items()}, config)
    # 8 x 6: stride-2 SAME padding is uneven (the odd pixel goes after) in both directions
    x = np.random.default_rng(1).uniform(-3, 3, (2, 8, 6, 3)).astype(np.float32)
    with torch.no_grad():
        got = net(torch.from_numpy(x).permute(0, 3, 1, 2)).numpy()
    assert got.shape == (2, 5)
    np.testing.assert_allclose(got, _reference(x, consts), rtol=1e-4, atol=1e-4)


def test_graphs_with_unknown_ops_or_outputs_are_refused(tmp_path):
    write_model(tmp_path)
    with pytest.raises(OhloraError, match="_FusedMatMul"):
        convert_graph_model(tmp_path, "head")  # an op the runner lacks, needed for this output
    with pytest.raises(OhloraError, match="no node 'logits'"):
        convert_graph_model(tmp_path, "logits")
    (tmp_path / "model.bin").write_bytes((tmp_path / "model.bin").read_bytes()[:-4])
    with pytest.raises(OhloraError, match="bytes"):
        convert_graph_model(tmp_path, "mean")
