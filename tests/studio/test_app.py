"""The studio page in a real headless Chromium over a real small run: each slider moves its own
property the right way (measured with the mesh scorer on the image the page shows), a slider
redraws only the face, bad seeds get a message in the page, and a clip plays as a GIF."""

from __future__ import annotations

import io
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

CHROMIUM = Path("/usr/bin/chromium")
SEED = 7
LOOPBACK = "http://127.0.0.1:"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make browser)"
    ),
]


@pytest.fixture(scope="module")
def studio(small_run, tmp_path_factory):
    """The studio served from this process on a free loopback port."""
    from ohlora.studio.app import launch
    from ohlora.studio.renderer import FaceRenderer

    renderer = FaceRenderer(small_run, out=tmp_path_factory.mktemp("studio-out"))
    app, url = launch(renderer, "127.0.0.1", 0, block=False)
    assert url.startswith(LOOPBACK), url
    yield url
    app.close()
    renderer.close()


def _face_src(page) -> str:
    return page.get_attribute("#face img", "src") or ""


def _shown(src: str) -> np.ndarray:
    """The face image the page shows (sent at the generator's 64 px, shown larger)."""
    assert src.startswith(LOOPBACK), src
    with urllib.request.urlopen(src, timeout=30) as f:
        im = Image.open(io.BytesIO(f.read())).convert("RGB")
    assert im.size == (64, 64), im.size
    return np.asarray(im)


def _set_slider(page, prop: str, value: float) -> str:
    """Type a value into the slider's number box as a person would; returns the new face src."""
    before = _face_src(page)
    box = page.locator(f"#slider-{prop} input[type=number]")
    box.fill(f"{value:g}")
    box.press("Enter")
    page.wait_for_function(
        "s => { const i = document.querySelector('#face img'); return i && i.src !== s; }",
        arg=before,
        timeout=30_000,
    )
    return _face_src(page)


def _current_seed(page) -> str:
    return page.locator("#current-seed textarea, #current-seed input").first.input_value()


def test_sliders_steer_their_property_and_bad_input_gets_a_message(studio, small_run):
    from playwright.sync_api import sync_playwright

    from ohlora.scorers.meter import open_meter

    meter = open_meter(small_run, "mesh", workers=0)
    outside: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on(
                "request",
                lambda r: (
                    None
                    if r.url.startswith((LOOPBACK, "data:", "blob:"))
                    else outside.append(r.url)
                ),
            )
            page.goto(studio)
            page.wait_for_function(
                "() => (document.querySelector('#status')?.innerText ?? '').startsWith('Seed ')",
                timeout=60_000,
            )
            assert page.locator("#faces img").count() > 0  # the run's faces are listed

            page.locator("#seed textarea, #seed input").first.fill(str(SEED))
            page.click("#show")
            page.wait_for_function(
                "s => (document.querySelector('#status')?.innerText ?? '').startsWith(s)",
                arg=f"Seed {SEED}:",
                timeout=30_000,
            )
            assert _current_seed(page) == str(SEED)
            status = page.inner_text("#status")
            box = page.locator("#face img").bounding_box()
            assert box and box["width"] >= 300 and box["height"] >= 300, box  # shown upscaled
            page.evaluate("() => { window.__studioMarker = 42; }")

            for j, prop in enumerate(meter.properties[:3]):
                assert prop == ("eyes", "mouth", "pose")[j]
                low = _shown(_set_slider(page, prop, -2.0))
                high = _shown(_set_slider(page, prop, 2.0))
                assert np.abs(high.astype(int) - low.astype(int)).mean() > 1.0, prop
                m = meter.measure(np.stack([low, high]))[:, j]
                assert np.isfinite(m).all(), (prop, m)
                assert m[1] - m[0] > 0.5, (prop, m)  # -2 reads lower than +2
                _set_slider(page, prop, 0.0)

            # sliders redrew only the face: same page (no reload), same status line
            assert page.evaluate("() => window.__studioMarker") == 42
            assert page.inner_text("#status") == status

            for bad, message in [
                ("abc", "not a whole number"),
                ("-5", "out of range"),
                (str(2**63), "out of range"),
            ]:
                page.locator("#seed textarea, #seed input").first.fill(bad)
                page.click("#show")
                page.wait_for_function(
                    "m => (document.querySelector('#status')?.innerText ?? '').includes(m)",
                    arg=message,
                    timeout=30_000,
                )
                assert "Traceback" not in page.inner_text("body")
                assert _current_seed(page) == str(SEED)  # the face stays

            page.get_by_label("blink").check()
            page.click("#play")
            page.wait_for_function(
                "() => { const i = document.querySelector('#clip img');"
                " return i && i.src.endsWith('.gif'); }",
                timeout=60_000,
            )
            src = page.get_attribute("#clip img", "src")
            with urllib.request.urlopen(src, timeout=30) as f, Image.open(f) as gif:
                assert gif.n_frames == 36  # 3 s x 12 fps, the page's defaults
            browser.close()
    finally:
        meter.close()
    assert outside == [], outside  # the page fetched nothing from outside this machine
