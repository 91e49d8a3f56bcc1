"""The labelling page: its HTTP interface without a browser (routes, errors, CSRF guard), and
the page in a real headless Chromium (every key is in the CSV at once; reloading the page or
killing the server loses nothing and resumes at the first unlabelled face)."""

from __future__ import annotations

import io
import json
import os
import select
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ohlora.studio.label_server import DISPLAY_SIZE, LabelApp, make_server
from ohlora.studio.label_sheet import LabelSheet

CHROMIUM = Path("/usr/bin/chromium")
N = 6
SERVE_ARGS = ("--port", "0", "--n", str(N), "--seed", "40")

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make browser)"
)


@pytest.fixture
def server(tmp_path, dcgan):
    sheet = LabelSheet.open(tmp_path / "labels.csv", np.arange(7, 10))
    httpd = make_server(LabelApp(sheet, dcgan, "test"), "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", sheet
    httpd.shutdown()
    httpd.server_close()


def _call(url: str, body: dict | None = None, ctype: str = "application/json"):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": ctype})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_routes_and_errors(server, dcgan):
    url, sheet = server
    status, body = _call(f"{url}/api/state")
    assert status == 200 and json.loads(body)["first_unlabelled"] == 0
    status, png = _call(f"{url}/img/1.png")
    img = np.asarray(Image.open(io.BytesIO(png)))
    assert status == 200 and img.shape == (DISPLAY_SIZE, DISPLAY_SIZE, 3)
    face = dcgan.synthesize(dcgan.latents_for_seeds([8]))[0]
    small = np.asarray(Image.fromarray(img).resize((64, 64), Image.BICUBIC), np.float32)
    assert np.abs(small - face).mean() < 6  # the page shows seed 8's face, upscaled
    status, body = _call(f"{url}/api/key", {"index": 1, "key": "w"})
    assert status == 200 and json.loads(body)["face"]["gender"] == 1
    assert (sheet.path.read_text().splitlines()[2]) == "1,8,1,,1"
    assert _call(f"{url}/img/3.png")[0] == 404
    assert _call(f"{url}/api/key", {"index": 0, "key": "q"})[0] == 400
    assert _call(f"{url}/api/key", {"key": "w"})[0] == 400


def test_posts_that_are_not_json_are_refused(server):
    url, sheet = server
    before = sheet.path.read_text()
    status, _ = _call(f"{url}/api/key", {"index": 0, "key": "w"}, ctype="text/plain")
    assert status == 415 and sheet.path.read_text() == before


def _start(run: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    """`ohlora label serve` on a free loopback port; returns the process and the page URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ohlora", "label", "serve", "--run", str(run), *SERVE_ARGS, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    line = proc.stdout.readline() if ready else ""
    if "http://" not in line:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError(f"server did not start: {line!r} {proc.stderr.read()[-2000:]}")
    url = line.split("labelling page: ", 1)[1].split()[0]
    assert url.startswith("http://127.0.0.1:"), url
    return proc, url


def _kill(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def _rows(run: Path) -> list[str]:
    return (run / "labels.csv").read_text().splitlines()[1:]


@pytest.mark.browser
@needs_chromium
def test_page_saves_each_key_undoes_and_resumes_after_reload_and_kill(tmp_path):
    from playwright.sync_api import sync_playwright

    run = tmp_path / "run"
    proc, url = _start(run)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page()
            saves = 0

            def load(address: str) -> None:
                nonlocal saves
                page.goto(address)
                page.wait_for_function("document.body.dataset.ready === '1'", timeout=20_000)
                saves = 0

            def press(key: str, counts: bool = True) -> None:
                nonlocal saves
                before = _rows(run)
                page.keyboard.press(key)
                if counts:
                    saves += 1
                    page.wait_for_function(
                        f"document.body.dataset.saves === '{saves}'", timeout=20_000
                    )
                else:
                    page.wait_for_timeout(300)
                    assert _rows(run) == before  # navigation writes nothing

            def shown() -> int:
                page.wait_for_function("document.body.dataset.index !== ''")
                return int(page.get_attribute("body", "data-index"))

            def progress() -> str:
                return page.inner_text("#progress")

            load(url)
            assert shown() == 0 and progress() == f"0 / {N} labelled"
            assert page.inner_text("#seed") == "40"
            page.wait_for_function("document.getElementById('face').naturalWidth === 384")
            assert _rows(run) == [f"{i},{40 + i},,," for i in range(N)]

            press("w")
            assert _rows(run)[0] == "0,40,1,,1" and shown() == 0
            assert page.inner_text("#gender") == "woman"
            press("g")
            assert _rows(run)[0] == "0,40,1,1,1" and shown() == 1
            assert progress() == f"1 / {N} labelled"
            press("m")
            assert _rows(run)[1] == "1,41,0,,1"
            press("b")
            assert _rows(run)[1] == "1,41,0,0,1" and shown() == 2
            press("s")
            assert _rows(run)[2] == "2,42,skip,skip,1" and shown() == 3
            assert progress() == f"3 / {N} labelled"
            press("Backspace")  # undo the skip
            assert _rows(run)[2] == "2,42,,," and shown() == 2
            press("u")  # undo "bad" on face 1
            assert _rows(run)[1] == "1,41,0,,1" and shown() == 1
            assert progress() == f"1 / {N} labelled"
            press("ArrowRight", counts=False)
            assert shown() == 2
            press("ArrowLeft", counts=False)
            assert shown() == 1
            press("B")
            assert _rows(run)[1] == "1,41,0,0,1" and shown() == 2

            page.reload()
            page.wait_for_function("document.body.dataset.ready === '1'")
            saves = 0
            assert shown() == 2 and progress() == f"2 / {N} labelled"

            _kill(proc)
            assert _rows(run)[:3] == ["0,40,1,1,1", "1,41,0,0,1", "2,42,,,"]
            proc, url = _start(run, "--pass", "2")  # an audit: its changes say pass 2
            load(url)
            assert shown() == 2 and progress() == f"2 / {N} labelled"
            assert page.inner_text("#gender") == "-"
            press("w")
            press("b")
            assert _rows(run)[2] == "2,42,1,0,2" and shown() == 3
            assert progress() == f"3 / {N} labelled"
            assert "pass 2" in page.inner_text("#speed")
            assert "this session: 1 faces" in page.inner_text("#speed")
            page.goto("about:blank")
            load(url + "#0")  # a face asked for by number (to correct it) opens first
            assert shown() == 0 and page.inner_text("#gender") == "woman"
            press("m")  # corrected in pass 2: the row says so
            assert _rows(run)[0] == "0,40,0,1,2" and shown() == 1
            press("u")
            assert _rows(run)[0] == "0,40,1,1,1"  # undo restores the label and its pass
            browser.close()
    finally:
        _kill(proc)


def test_session_speed_counts_completed_faces_net_of_undo(tmp_path, dcgan):
    app = LabelApp(LabelSheet.open(tmp_path / "labels.csv", np.arange(4)), dcgan, "t")
    now = [100.0]
    app._clock = lambda: now[0]
    assert app.session() == {"faces": 0, "minutes": 0.0, "per_minute": None}
    app.press(0, "w")
    app.press(0, "g")  # face 0 done
    app.press(1, "s")  # skipped counts as done
    now[0] += 30.0
    assert app.session() == {"faces": 2, "minutes": 0.5, "per_minute": 4.0}
    app.undo()  # the skip
    app.press(0, "b")  # relabelling a done face completes nothing new
    assert app.session()["faces"] == 1
