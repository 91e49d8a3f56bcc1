"""Image grids and the Oh-LoRA strip, written as PNG (upscaled so a reader can see faces)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw


def grid(images: np.ndarray, cols: int, scale: int = 2, pad: int = 2) -> np.ndarray:
    """Tile uint8 images (N, H, W, 3) row-major into one uint8 image with white gaps."""
    assert images.ndim == 4 and images.dtype == np.uint8, (images.shape, images.dtype)
    n, h, w, _ = images.shape
    rows = -(-n // cols)
    hh, ww = h * scale, w * scale
    canvas = np.full((rows * (hh + pad) + pad, cols * (ww + pad) + pad, 3), 255, np.uint8)
    for i, img in enumerate(images):
        r, c = divmod(i, cols)
        big = np.asarray(Image.fromarray(img).resize((ww, hh), Image.BICUBIC))
        y, x = pad + r * (hh + pad), pad + c * (ww + pad)
        canvas[y : y + hh, x : x + ww] = big
    return canvas


def labelled_rows(
    rows: list[tuple[str, np.ndarray]], scale: int = 2, label_w: int = 90
) -> np.ndarray:
    """Stack named rows of images (each (K, H, W, 3)) with the name at the left of each row."""
    tiles = [grid(imgs, len(imgs), scale) for _, imgs in rows]
    width = max(t.shape[1] for t in tiles) + label_w
    out = []
    for (name, _), tile in zip(rows, tiles, strict=True):
        canvas = Image.new("RGB", (width, tile.shape[0]), "white")
        canvas.paste(Image.fromarray(tile), (label_w, 0))
        ImageDraw.Draw(canvas).text((6, tile.shape[0] // 2 - 6), name, fill="black")
        out.append(np.asarray(canvas))
    return np.concatenate(out)


def save_png(image: np.ndarray, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(image).save(path)
    return path
