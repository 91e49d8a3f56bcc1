"""A TensorFlow.js graph model (`model.json` topology + `.bin` weights) run as a torch module.

Some pretrained face networks are published only as TF.js graph models (the HSE face
descriptor in the `@vladmandic/human` npm package). `convert_graph_model` reads such a model
once, at fetch time, into the project's model folder format: every constant becomes a tensor
(float16-quantised weights widened to float32, convolution kernels already in torch's
layout) and the graph's other nodes, cut at the wanted output, become a JSON list of
(name, op, inputs, the attributes the op needs). `GraphModel` then runs that list with torch
ops in NCHW; at run time nothing of TensorFlow is needed.

Only the ops a MobileNet-style trunk uses are implemented (`OPS`); a graph with another op is
refused at conversion, naming it, rather than run wrongly.
"""

from __future__ import annotations

import base64
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ohlora.errors import OhloraError

OPS = (
    "Placeholder",
    "Conv2D",
    "DepthwiseConv2dNative",
    "Add",
    "AddV2",
    "Mul",
    "Relu",
    "Minimum",
    "Maximum",
    "Mean",
)
CONV_OPS = ("Conv2D", "DepthwiseConv2dNative")
NHWC_TO_NCHW = {0: 0, 1: 2, 2: 3, 3: 1}  # a TF axis -> the same axis of the torch tensor


def _text(attr: dict[str, Any]) -> str:
    return base64.b64decode(attr["s"]).decode()


def _ints(attr: dict[str, Any]) -> list[int]:
    return [int(i) for i in attr.get("list", {}).get("i", [])]


def _weights(manifest: list[dict[str, Any]], buf: bytes) -> dict[str, np.ndarray]:
    """The constants of a TF.js weights manifest, read in order out of the concatenated .bin."""
    out: dict[str, np.ndarray] = {}
    offset = 0
    for group in manifest:
        for w in group["weights"]:
            shape = [int(s) for s in w["shape"]]
            n = int(np.prod(shape)) if shape else 1
            quant = w.get("quantization")
            if quant is not None:
                if quant.get("dtype") != "float16":
                    raise OhloraError(f"unsupported quantisation {quant} of {w['name']}")
                dtype = np.dtype(np.float16)
            else:
                dtype = np.dtype(w["dtype"])
            if offset + n * dtype.itemsize > len(buf):
                raise OhloraError(
                    f"the weights file holds {len(buf)} bytes, fewer than the manifest names "
                    f"(short at {w['name']}): fetch the model again"
                )
            a = np.frombuffer(buf, dtype, n, offset).reshape(shape)
            offset += n * dtype.itemsize
            out[w["name"]] = a.astype(np.float32) if dtype.kind == "f" else a.astype(np.int32)
    if offset != len(buf):
        raise OhloraError(
            f"the weights file holds {len(buf)} bytes, the manifest {offset}: fetch it again"
        )
    return out


def _needed(nodes: dict[str, dict[str, Any]], output: str) -> list[str]:
    """Names of the nodes `output` depends on, in the graph's order."""
    seen: set[str] = set()
    stack = [output]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        stack += [i.split(":")[0] for i in nodes[name].get("input", []) if not i.startswith("^")]
    return [n for n in nodes if n in seen]


def convert_graph_model(folder: Path, output: str) -> tuple[dict[str, np.ndarray], dict]:
    """(tensors, config) of the graph model in `folder` (one `*.json` and its `.bin`), cut at
    node `output`: the model folder `GraphModel.from_parts` runs."""
    jsons = sorted(Path(folder).glob("*.json"))
    if len(jsons) != 1:
        raise OhloraError(f"{folder} must hold one TF.js model.json, found {len(jsons)}")
    model = json.loads(jsons[0].read_text())
    if model.get("format") != "graph-model":
        raise OhloraError(f"{jsons[0].name} is not a TF.js graph model")
    paths = [Path(folder) / p for g in model["weightsManifest"] for p in g["paths"]]
    consts = _weights(model["weightsManifest"], b"".join(p.read_bytes() for p in paths))
    nodes = {n["name"]: n for n in model["modelTopology"]["node"]}
    if output not in nodes:
        raise OhloraError(f"{jsons[0].name} has no node {output!r}")
    program, tensors = [], {}
    for name in _needed(nodes, output):
        n = nodes[name]
        if n["op"] == "Const":
            tensors[name] = consts[name]
            continue
        if n["op"] not in OPS:
            raise OhloraError(f"{jsons[0].name}: op {n['op']} ({name}) is not implemented")
        attr = n.get("attr", {})
        step: dict[str, Any] = {
            "name": name,
            "op": n["op"],
            "inputs": [i.split(":")[0] for i in n.get("input", []) if not i.startswith("^")],
        }
        if n["op"] in CONV_OPS:
            if _text(attr["data_format"]) != "NHWC" or set(_ints(attr["dilations"])) != {1}:
                raise OhloraError(f"{name}: only NHWC convolutions without dilation are run")
            step["stride"] = _ints(attr["strides"])[1]
            step["padding"] = _text(attr["padding"])
            kernel = tensors[step["inputs"][1]]  # (kh, kw, cin, cout or multiplier)
            if n["op"] == "Conv2D":
                tensors[step["inputs"][1]] = np.ascontiguousarray(kernel.transpose(3, 2, 0, 1))
            else:
                kh, kw, cin, mult = kernel.shape
                t = kernel.transpose(2, 3, 0, 1).reshape(cin * mult, 1, kh, kw)
                tensors[step["inputs"][1]] = np.ascontiguousarray(t)
        if n["op"] == "Mean":
            step["keep_dims"] = bool(attr.get("keep_dims", {}).get("b", False))
        program.append(step)
    inputs = [s["name"] for s in program if s["op"] == "Placeholder"]
    if len(inputs) != 1:
        raise OhloraError(f"{jsons[0].name}: the graph must have one input, has {len(inputs)}")
    config = {
        "graph": program,
        "input": inputs[0],
        "output": output,
        "layout": "NCHW (kernels in torch's layout)",
        "converted_by": "ohlora.faces.tfjs_graph",
    }
    return tensors, config


class GraphModel(torch.nn.Module):
    """Runs a converted graph: (N, C, H, W) float in -> the output node's tensor."""

    def __init__(self, tensors: dict[str, torch.Tensor], config: dict[str, Any]) -> None:
        super().__init__()
        self.program: list[dict[str, Any]] = list(config["graph"])
        self.input_name = str(config["input"])
        self.output_name = str(config["output"])
        unknown = sorted({s["op"] for s in self.program} - set(OPS))
        if unknown:
            raise OhloraError(f"the graph uses ops this runner lacks: {', '.join(unknown)}")
        self.consts = {k: v.float() if v.is_floating_point() else v for k, v in tensors.items()}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        assert x.ndim == 4, x.shape
        values: dict[str, torch.Tensor] = {self.input_name: x}

        def get(name: str) -> torch.Tensor:
            return values[name] if name in values else self.consts[name]

        for s in self.program:
            op, ins = s["op"], s["inputs"]
            if op == "Placeholder":
                continue
            if op in CONV_OPS:
                h = _same_pad(get(ins[0]), self.consts[ins[1]], s["stride"], s["padding"])
                groups = 1 if op == "Conv2D" else h.shape[1]
                y = F.conv2d(h, self.consts[ins[1]], None, s["stride"], groups=groups)
            elif op in ("Add", "AddV2"):
                y = get(ins[0]) + _channels(get(ins[1]))
            elif op == "Mul":
                y = get(ins[0]) * _channels(get(ins[1]))
            elif op == "Relu":
                y = F.relu(get(ins[0]))
            elif op == "Minimum":
                y = torch.minimum(get(ins[0]), get(ins[1]))
            elif op == "Maximum":
                y = torch.maximum(get(ins[0]), get(ins[1]))
            else:  # Mean over NHWC axes, run on NCHW
                axes = sorted(NHWC_TO_NCHW[int(a) % 4] for a in get(ins[1]).view(-1))
                y = get(ins[0]).mean(dim=axes, keepdim=s["keep_dims"])
            values[s["name"]] = y
        return values[self.output_name]


def _same_pad(x: torch.Tensor, kernel: torch.Tensor, stride: int, padding: str) -> torch.Tensor:
    """TensorFlow's SAME padding (the odd pixel after, not before); VALID pads nothing."""
    if padding == "VALID":
        return x
    pads = []
    for size, k in ((x.shape[3], kernel.shape[3]), (x.shape[2], kernel.shape[2])):
        total = max((math.ceil(size / stride) - 1) * stride + k - size, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads)


def _channels(t: torch.Tensor) -> torch.Tensor:
    """A per-channel constant (C,) shaped to broadcast over NCHW; other shapes as they are."""
    return t.view(1, -1, 1, 1) if t.ndim == 1 and t.numel() > 1 else t
