"""The studio's web page (Gradio): pick a face, steer it with sliders, save it, play clips.

Each slider's input event renders only the face image (through the queue, latest value wins,
no progress overlay), so dragging a slider never redraws the page. Every handler turns an
`OhloraError` into a message in the page (the status line, or a notice for slider renders);
nothing shows a traceback. The page loads no fonts or scripts from outside the server.
"""

from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
import gradio as gr  # after the analytics switch: gradio reads it at import

from ohlora.errors import OhloraError
from ohlora.studio.clips import CLIPS
from ohlora.studio.renderer import PROPERTIES, TARGET_RANGE, FaceRenderer

DISPLAY = 320  # px: the face is shown upscaled (by the browser) from the generator's 64
GALLERY = 24
# The face travels at the generator's resolution (a 64 px PNG encodes in about 1 ms, a 320 px
# one in about 45 ms) and the browser scales it up smoothly to DISPLAY px.
CSS = f"""
#status {{min-height: 2.5em}}
#face img {{width: {DISPLAY}px; height: {DISPLAY}px; max-width: 100%; object-fit: contain;
  image-rendering: auto}}
"""
SYSTEM_FONTS = ["ui-sans-serif", "system-ui", "sans-serif"]
MONO_FONTS = ["ui-monospace", "monospace"]


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _fmt(values: dict[str, float]) -> str:
    return ", ".join(
        f"{p} {v:+.2f}" if np.isfinite(v) else f"{p} (not found)" for p, v in values.items()
    )


def _error(e: Exception) -> str:
    return f"**Error:** {e}"


def build(renderer: FaceRenderer, gallery_size: int = GALLERY) -> Any:
    """The Blocks app over one renderer (not launched)."""
    lo, hi = TARGET_RANGE
    gallery_seeds: list[int] = []

    def face_outputs(seed: int, note: str = "") -> tuple:
        face = renderer.face(seed)
        sliders = [round(float(np.clip(face.own[p], lo, hi)), 2) for p in PROPERTIES]
        image = renderer.render(seed, *sliders)
        found = "" if face.found else " No face was found in it: the sliders start at the "
        found += "" if face.found else "model's prediction."
        status = f"Seed {seed}: own {_fmt(face.own)} (normalised units).{found}{note}"
        return (image, str(seed), *sliders, status)

    def unchanged(message: str) -> tuple:
        return (gr.update(), gr.update(), gr.update(), gr.update(), gr.update(), message)

    def pick(seed_text: Any) -> tuple:
        try:
            from ohlora.studio.renderer import parse_seed

            return face_outputs(parse_seed(seed_text))
        except OhloraError as e:
            return unchanged(_error(e))

    def pick_random() -> tuple:
        seed = secrets.randbelow(2**31)
        return (str(seed), *pick(seed))

    def load_page() -> tuple:
        try:
            seeds, passing, total = renderer.filtered_seeds(gallery_size)
        except OhloraError as e:
            return (gr.update(value=[]), gr.update(), *unchanged(_error(e)))
        gallery_seeds[:] = seeds
        label = (
            f"Faces passing the filter `{renderer.filter_expr}`: {passing} of {total}"
            if renderer.filter_expr
            else f"Faces of the run: {total}"
        )
        label += f" (first {len(seeds)} shown)" if seeds else ""
        thumbs = renderer.thumbnails(seeds)
        items = [(t, f"seed {s}") for t, s in zip(thumbs, seeds, strict=True)]
        first = seeds[0] if seeds else 0
        try:
            outputs = face_outputs(first)
        except OhloraError as e:
            outputs = unchanged(_error(e))
        return (gr.update(value=items, label=label), str(first), *outputs)

    def select(evt: gr.SelectData) -> tuple:
        if not isinstance(evt.index, int) or not 0 <= evt.index < len(gallery_seeds):
            return (gr.update(), *unchanged("**Error:** pick a face from the list"))
        seed = gallery_seeds[evt.index]
        return (str(seed), *pick(seed))

    def render(seed: Any, eyes: Any, mouth: Any, pose: Any) -> np.ndarray:
        try:
            return renderer.render(seed, eyes, mouth, pose)
        except OhloraError as e:
            raise gr.Error(str(e), print_exception=False) from None

    def reset(seed: Any) -> tuple:
        try:
            from ohlora.studio.renderer import parse_seed

            return face_outputs(parse_seed(seed), " Sliders reset to the face's own values.")
        except OhloraError as e:
            return unchanged(_error(e))

    def refine(seed: Any, eyes: Any, mouth: Any, pose: Any) -> tuple:
        try:
            image, measured = renderer.refine(seed, eyes, mouth, pose)
        except OhloraError as e:
            return gr.update(), _error(e)
        return image, f"Refined (2 closed-loop rounds): measured {_fmt(measured)}."

    def save(seed: Any, eyes: Any, mouth: Any, pose: Any) -> tuple:
        try:
            png = renderer.save(seed, eyes, mouth, pose)
        except OhloraError as e:
            return gr.update(), _error(e)
        return str(png), f"Saved {png} and {png.with_suffix('.json').name}."

    def play(seed: Any, clip: Any, seconds: Any, fps: Any, *rest: Any) -> tuple:
        try:
            path = renderer.clip(seed, clip, seconds, fps, dict(zip(PROPERTIES, rest, strict=True)))
        except OhloraError as e:
            return gr.update(), _error(e)
        return str(path), f"Clip {clip}: {path.name}"

    with gr.Blocks(title="ohlora studio", analytics_enabled=False) as demo:
        gr.Markdown(
            f"## ohlora studio\nRun `{renderer.run}`. Pick a face, then move the sliders "
            "(normalised units: 0 is the population mean, 1 one standard deviation)."
        )
        with gr.Row():
            with gr.Column(scale=1, min_width=260):
                seed_box = gr.Textbox(label="Seed (0..2^63-1)", value="", elem_id="seed")
                with gr.Row():
                    show_btn = gr.Button("Show", variant="primary", elem_id="show")
                    random_btn = gr.Button("Random", elem_id="random")
                gallery = gr.Gallery(
                    label="Faces",
                    columns=4,
                    height=300,
                    allow_preview=False,
                    elem_id="faces",
                )
            with gr.Column(scale=1, min_width=340):
                face_img = gr.Image(
                    label="Face",
                    type="numpy",
                    format="png",
                    height=DISPLAY,
                    width=DISPLAY,
                    interactive=False,
                    elem_id="face",
                )
                current = gr.Textbox(
                    label="Current face (seed)", interactive=False, elem_id="current-seed"
                )
                status = gr.Markdown("Loading the run...", elem_id="status")
            with gr.Column(scale=1, min_width=260):
                sliders = [
                    gr.Slider(lo, hi, value=0.0, step=0.05, label=p, elem_id=f"slider-{p}")
                    for p in PROPERTIES
                ]
                reset_btn = gr.Button("Reset to the face's own values", elem_id="reset")
                refine_btn = gr.Button("Refine (closed loop, slower)", elem_id="refine")
                save_btn = gr.Button("Save face + settings", elem_id="save")
                saved = gr.File(label="Saved face", interactive=False, height=90, elem_id="saved")
        with gr.Row():
            with gr.Column(scale=1, min_width=260):
                clip_kind = gr.Radio(list(CLIPS), value="talk", label="Clip", elem_id="clip-kind")
                seconds = gr.Slider(0.5, 10, value=3, step=0.5, label="Seconds", elem_id="seconds")
                fps = gr.Slider(2, 20, value=12, step=1, label="Frames a second", elem_id="fps")
                play_btn = gr.Button("Play clip", elem_id="play")
            with gr.Column(scale=2):
                clip_img = gr.Image(
                    label="Clip (GIF, around the sliders' values)",
                    type="filepath",
                    height=200,
                    interactive=False,
                    elem_id="clip",
                )

        face_outs = [face_img, current, *sliders, status]
        demo.load(load_page, outputs=[gallery, seed_box, *face_outs], api_name=False)
        show_btn.click(pick, inputs=seed_box, outputs=face_outs, api_name="pick")
        seed_box.submit(pick, inputs=seed_box, outputs=face_outs, api_name=False)
        random_btn.click(pick_random, outputs=[seed_box, *face_outs], api_name=False)
        gallery.select(select, outputs=[seed_box, *face_outs], api_name=False)
        for i, slider in enumerate(sliders):
            slider.input(
                render,
                inputs=[current, *sliders],
                outputs=face_img,
                api_name="render" if i == 0 else False,
                trigger_mode="always_last",
                show_progress="hidden",
                concurrency_limit=2,
                concurrency_id="render",
            )
        reset_btn.click(reset, inputs=current, outputs=face_outs, api_name=False)
        values = [current, *sliders]
        refine_btn.click(refine, inputs=values, outputs=[face_img, status], api_name=False)
        save_btn.click(save, inputs=values, outputs=[saved, status], api_name=False)
        play_btn.click(
            play,
            inputs=[current, clip_kind, seconds, fps, *sliders],
            outputs=[clip_img, status],
            api_name=False,
        )
    return demo


def launch(
    renderer: FaceRenderer,
    host: str = "127.0.0.1",
    port: int = 0,
    block: bool = True,
    gallery_size: int = GALLERY,
) -> tuple[Any, str]:
    """Serve the studio; returns (app, url). `port` 0 picks a free one. With block=False the
    server runs in a background thread (stop it with `app.close()`)."""
    demo = build(renderer, gallery_size)
    demo.queue(default_concurrency_limit=2, max_size=512)
    port = port or free_port(host)
    try:
        demo.launch(
            server_name=host,
            server_port=port,
            prevent_thread_lock=True,
            quiet=True,
            show_error=False,
            inbrowser=False,
            share=False,
            footer_links=["api"],
            allowed_paths=[str(Path(renderer.out).resolve())],
            theme=gr.themes.Default(font=SYSTEM_FONTS, font_mono=MONO_FONTS),
            css=CSS,
        )
    except OSError as e:
        raise OhloraError(f"cannot serve on {host}:{port} ({e}): choose another --port") from None
    url = demo.local_url or f"http://{host}:{port}/"
    if block:
        print(f"studio: {url} (Ctrl+C to stop)", flush=True)
        try:
            demo.block_thread()
        finally:
            renderer.close()
    return demo, url
