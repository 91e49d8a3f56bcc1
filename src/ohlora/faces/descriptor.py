"""Who a face is, as a vector, for steering: the HSE face network's 1024-d pooled features.

Direction finding needs to know which latent moves change the person
(`ohlora.vectorfind.identity`). It must not ask the judge that grades the edits (dlib's ResNet
descriptor, `ohlora.scorers.dlib`, which nothing that edits or finds directions may import),
so it uses another network with other training data: the MobileNet of Savchenko's HSE face
recognition work ("faceres", published as a TF.js graph model in the `@vladmandic/human` npm
package, fetched through the weights registry and converted by `ohlora.faces.tfjs_graph`).
Measured on the embedded DCGAN's faces (128 px crops): a face and its mirror image 0.84
cosine, the same latent plus noise of sigma 0.5 0.63, two unrelated faces 0.34.

Each face is cut out around its mesh landmarks (their bounding box widened by `MARGIN`,
squared, resampled to `CROP` px) and fed in 0..255, as the network was trained.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ohlora import weights
from ohlora.faces.tfjs_graph import GraphModel, convert_graph_model
from ohlora.modelfolder import ModelFolder

WEIGHTS_NAME = "hse-faceres"
OUTPUT_NODE = "global_pooling/Mean"
DIM = 1024
CROP = 128  # px of the crop fed to the network (fully convolutional, globally pooled)
MARGIN = 1.2  # the crop's side over the landmarks' larger extent
BATCH = 64


def convert_faceres(folder: Path) -> tuple[dict[str, np.ndarray], dict]:
    """The registry's converter: the TF.js graph cut at the pooled features."""
    tensors, config = convert_graph_model(folder, OUTPUT_NODE)
    return tensors, {**config, "dim": DIM, "crop": CROP, "margin": MARGIN}


def crop_boxes(landmarks: list[np.ndarray | None], size: int) -> tuple[torch.Tensor, np.ndarray]:
    """Affine sampling parameters (N, 2, 3) of each face's square crop, in the image's
    normalised coordinates, from landmarks found in a `size` px copy of the image; and which
    rows have landmarks (the others get the image's middle 80%, and no descriptor)."""
    thetas, found = [], []
    for lm in landmarks:
        found.append(lm is not None)
        if lm is None:
            thetas.append(np.array([[0.8, 0, 0], [0, 0.8, 0]], np.float32))
            continue
        (x0, y0), (x1, y1) = lm[:, :2].min(0), lm[:, :2].max(0)
        side = max(x1 - x0, y1 - y0) * MARGIN / size
        cx, cy = (x0 + x1) / size - 1, (y0 + y1) / size - 1  # the box centre in -1..1
        thetas.append(np.array([[side, 0, cx], [0, side, cy]], np.float32))
    return torch.from_numpy(np.stack(thetas)), np.array(found, bool)


class FaceDescriptor:
    """Unit 1024-d descriptors of faces; cosine similarity says how alike two people are."""

    def __init__(self, net: GraphModel) -> None:
        self.net = net.eval()

    @classmethod
    def pretrained(cls) -> FaceDescriptor:
        """The registry's weights (fetched and converted once into the cache)."""
        folder = ModelFolder(weights.ensure(WEIGHTS_NAME))
        remedy = f"run `ohlora weights fetch {WEIGHTS_NAME}` again"
        state, config = folder.load(kind=weights.FORMAT, what="face descriptor", remedy=remedy)
        return cls(GraphModel({k: torch.as_tensor(v) for k, v in state.items()}, config))

    def describe_torch(self, images: torch.Tensor, thetas: torch.Tensor) -> torch.Tensor:
        """Unit descriptors (N, DIM) of images (N, 3, H, W) in -1..1 (a generator's output),
        each cut out by its crop `thetas` (N, 2, 3); differentiable in the images."""
        assert images.ndim == 4 and images.shape[1] == 3, images.shape
        assert thetas.shape == (len(images), 2, 3), thetas.shape
        grid = F.affine_grid(thetas, [len(images), 3, CROP, CROP], align_corners=False)
        crops = F.grid_sample(images, grid, "bilinear", "border", align_corners=False)
        out = F.normalize(self.net((crops + 1) * 127.5), dim=1)
        assert out.shape == (len(images), DIM), out.shape
        return out

    def describe(
        self, images: np.ndarray, landmarks: list[np.ndarray | None], size: int
    ) -> np.ndarray:
        """float32 (N, DIM) unit descriptors of uint8 images (N, H, W, 3) whose landmarks were
        found in `size` px copies; NaN rows where no landmarks were found."""
        assert images.ndim == 4 and images.shape[-1] == 3 and len(landmarks) == len(images)
        out = np.full((len(images), DIM), np.nan, np.float32)
        for lo in range(0, len(images), BATCH):
            thetas, found = crop_boxes(landmarks[lo : lo + BATCH], size)
            x = torch.from_numpy(images[lo : lo + BATCH]).permute(0, 3, 1, 2).float() / 127.5 - 1
            with torch.inference_mode():
                d = self.describe_torch(x, thetas).numpy()
            out[lo : lo + BATCH][found] = d[found]
        return out
