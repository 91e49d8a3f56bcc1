"""The labelling server's HTTP interface without a browser: routes, errors, CSRF guard."""

from __future__ import annotations

import io
import json
import threading
import urllib.error
import urllib.request

import numpy as np
import pytest
from PIL import Image

from ohlora.studio.label_server import DISPLAY_SIZE, LabelApp, make_server
from ohlora.studio.label_sheet import LabelSheet


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
    assert (sheet.path.read_text().splitlines()[2]) == "1,8,1,"
    assert _call(f"{url}/img/3.png")[0] == 404
    assert _call(f"{url}/api/key", {"index": 0, "key": "q"})[0] == 400
    assert _call(f"{url}/api/key", {"key": "w"})[0] == 400


def test_posts_that_are_not_json_are_refused(server):
    url, sheet = server
    before = sheet.path.read_text()
    status, _ = _call(f"{url}/api/key", {"index": 0, "key": "w"}, ctype="text/plain")
    assert status == 415 and sheet.path.read_text() == before
