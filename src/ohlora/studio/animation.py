"""Render a clip of one face with the open-loop editor and write it as GIF (or MP4).

The base face is measured once; every frame is then one open-loop edit towards the clip's
targets for that frame (`ohlora.studio.clips`), rendered in batches. Open loop keeps the
motion smooth: each frame's step is a linear function of its targets, so no frame is pushed
around by the noise of re-measuring a 64 px face.
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from ohlora.editing.editor import Editor
from ohlora.errors import OhloraError
from ohlora.runinfo import atomic_write_bytes
from ohlora.studio import clips


@dataclass
class Clip:
    """Rendered frames (uint8 N x H x W x 3) with the targets and rest face they came from."""

    frames: np.ndarray
    targets: dict[str, np.ndarray]
    rest: dict[str, float]
    fps: float


def rest_values(
    editor: Editor, latent: np.ndarray, base_measured: np.ndarray | None
) -> dict[str, float]:
    """The face's own eyes / mouth / pose (normalised): measured, else the model's prediction."""
    current = editor.current(latent, base_measured)
    return {p: float(current[0, editor.properties.index(p)]) for p in clips.PROPERTIES}


def render_frames(
    editor: Editor,
    latent: np.ndarray,
    base_measured: np.ndarray | None,
    targets: dict[str, np.ndarray],
    batch: int = 32,
    on_progress: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Open-loop edits of one face (latent (1, ...)) to per-frame targets, in batches."""
    if editor.refine:
        raise OhloraError("animation renders open loop: open the editor with refine=0")
    assert latent.shape[0] == 1, latent.shape
    n = len(next(iter(targets.values())))
    out = []
    for lo in range(0, n, batch):
        hi = min(n, lo + batch)
        lat = np.repeat(latent, hi - lo, 0)
        base = None if base_measured is None else np.repeat(base_measured, hi - lo, 0)
        # never mirrored: a turn crossing the face's own side would flip it between frames
        res = editor.edit(
            lat, {p: t[lo:hi] for p, t in targets.items()}, base_measured=base, mirror=False
        )
        out.append(res.images)
        if on_progress:
            on_progress(hi - lo)
    frames = np.concatenate(out)
    assert frames.ndim == 4 and frames.shape[0] == n and frames.dtype == np.uint8, frames.shape
    return frames


def animate(
    editor: Editor,
    latent: np.ndarray,
    base_measured: np.ndarray | None,
    clip: str,
    seconds: float,
    fps: float,
    seed: int,
    rest: dict[str, float] | None = None,
    batch: int = 32,
    on_progress: Callable[[int], None] | None = None,
) -> Clip:
    """Render `clip` of one face. `rest` (normalised eyes / mouth / pose; missing keys are
    the face's own values) is where the clip's weight 0 sits; `seed` drives its randomness."""
    own = rest_values(editor, latent, base_measured)
    rest = {p: float((rest or {}).get(p, own[p])) for p in clips.PROPERTIES}
    targets = clips.clip_targets(clip, seconds, fps, seed, rest)
    frames = render_frames(editor, latent, base_measured, targets, batch, on_progress)
    return Clip(frames, targets, rest, fps)


def _resized(frames: np.ndarray, size: int) -> list[Image.Image]:
    assert frames.ndim == 4 and frames.shape[-1] == 3 and frames.dtype == np.uint8
    ims = [Image.fromarray(f) for f in frames]
    if size and size != frames.shape[1]:
        ims = [im.resize((size, size), Image.BICUBIC) for im in ims]
    return ims


def frame_durations(n: int, fps: float) -> list[int]:
    """Per-frame GIF delays (ms, multiples of 10 as GIF stores centiseconds) whose running
    sum stays within 5 ms of k / fps: 15 fps plays as 70, 70, 60, ... ms, not all 60 ms."""
    edges = [round(k * 100 / fps) * 10 for k in range(n + 1)]
    return [max(10, b - a) for a, b in itertools.pairwise(edges)]


def gif_bytes(frames: np.ndarray, fps: float, size: int = 0) -> bytes:
    """An endlessly looping GIF of the frames, with one palette for all of them (no dither),
    so that colours do not flicker from frame to frame. Pillow stores a frame identical to the
    one before it once, with the two delays added: the timeline is unchanged."""
    ims = _resized(frames, size)
    w, h = ims[0].size
    sheet = Image.new("RGB", (w, h * len(ims)))
    for i, im in enumerate(ims):
        sheet.paste(im, (0, i * h))
    palette = sheet.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    quantised = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in ims]
    buf = io.BytesIO()
    quantised[0].save(
        buf,
        format="GIF",
        save_all=True,
        append_images=quantised[1:],
        duration=frame_durations(len(ims), fps),
        loop=0,
        optimize=True,
    )
    return buf.getvalue()


def mp4_writer() -> str | None:
    """An ffmpeg executable, if one is installed: imageio-ffmpeg's, else `ffmpeg` on PATH."""
    try:
        import imageio_ffmpeg  # type: ignore[import-not-found]

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):
        return shutil.which("ffmpeg")


def write_mp4(frames: np.ndarray, path: Path, fps: float, size: int = 0) -> Path:
    """H.264 MP4 through ffmpeg (every frame kept); a clear error when no writer is installed."""
    exe = mp4_writer()
    if exe is None:
        raise OhloraError(
            "no MP4 writer installed: `pip install imageio-ffmpeg` (or install ffmpeg), "
            "or write a .gif instead"
        )
    ims = _resized(frames, size)
    w, h = ims[0].size
    if w % 2 or h % 2:
        raise OhloraError(f"MP4 needs an even frame size, got {w}x{h}: use an even --size")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".mp4", prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    cmd = [
        exe, "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
        "-s", f"{w}x{h}", "-r", f"{fps:g}", "-i", "-", "-an", "-c:v", "libx264",
        "-pix_fmt", "yuv420p", "-movflags", "+faststart", tmp,
    ]  # fmt: skip
    raw = b"".join(im.tobytes() for im in ims)
    try:
        proc = subprocess.run(cmd, input=raw, capture_output=True, timeout=300, check=False)
        if proc.returncode != 0:
            msg = proc.stderr.decode(errors="replace").strip().splitlines()
            raise OhloraError(f"ffmpeg could not write {path}: {msg[-1] if msg else 'failed'}")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def write_clip(frames: np.ndarray, path: Path, fps: float, size: int = 0) -> Path:
    """Write frames as .gif (Pillow) or .mp4 (ffmpeg, where installed), by the file suffix."""
    suffix = path.suffix.lower()
    if suffix == ".gif":
        atomic_write_bytes(path, gif_bytes(frames, fps, size))
        return path
    if suffix == ".mp4":
        return write_mp4(frames, path, fps, size)
    raise OhloraError(f"cannot write {path.name}: use a .gif or .mp4 file name")
