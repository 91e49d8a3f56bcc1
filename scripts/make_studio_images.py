"""Draw docs/images/studio.png (the studio page in headless Chromium) and docs/images/talk.gif.

Run: .venv/bin/python scripts/make_studio_images.py --run RUN [--seed 4]
RUN needs samples, normalisation and directions. The studio is served from this process on
a free 127.0.0.1 port; the page is driven as a person would: pick the face, move the mouth
slider, play a talk clip, then the screenshot. The GIF is `ohlora animate --clip talk`.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("GLOG_minloglevel", "2")

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"


def screenshot(run: Path, seed: int, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from ohlora.studio.app import launch
    from ohlora.studio.renderer import FaceRenderer

    with tempfile.TemporaryDirectory() as saved:
        renderer = FaceRenderer(run, out=Path(saved))
        app, url = launch(renderer, "127.0.0.1", 0, block=False)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(url)
                status = "(document.querySelector('#status')?.innerText ?? '')"
                page.wait_for_function(f"() => {status}.startsWith('Seed ')", timeout=60_000)
                page.locator("#seed textarea, #seed input").first.fill(str(seed))
                page.click("#show")
                page.wait_for_function(
                    f"s => {status}.startsWith(s)", arg=f"Seed {seed}:", timeout=30_000
                )
                before = page.get_attribute("#face img", "src")
                box = page.locator("#slider-mouth input[type=number]")
                box.fill("1.2")
                box.press("Enter")
                page.wait_for_function(
                    "s => document.querySelector('#face img')?.src !== s", arg=before
                )
                page.click("#play")
                page.wait_for_function(
                    "() => document.querySelector('#clip img')?.src.endsWith('.gif')",
                    timeout=60_000,
                )
                page.wait_for_timeout(500)
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out), full_page=True)
                browser.close()
        finally:
            app.close()
            renderer.close()
    print(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = ap.parse_args()

    from ohlora.cli import main as ohlora

    screenshot(args.run, args.seed, args.out / "studio.png")
    gif = args.out / "talk.gif"
    argv = ["animate", "--run", str(args.run), "--seed", str(args.seed), "--clip", "talk"]
    ohlora([*argv, "--seconds", "3", "--fps", "15", "--size", "96", "--out", str(gif)])


if __name__ == "__main__":
    main()
