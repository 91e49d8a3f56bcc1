"""The labelling page's server: a stdlib HTTP server over a `LabelSheet` and a generator.

Routes (all JSON except the page and the images):

    GET  /                 the page (data/label/page.html)
    GET  /api/state        {total, labelled, first_unlabelled, run, generator, pass, session}
    GET  /api/face/<i>     one face's row
    GET  /img/<i>.png      face i, upscaled to DISPLAY_SIZE
    POST /api/key          {"index": i, "key": "w|m|g|b|s"} -> {face, show, labelled, total}
    POST /api/undo         {} -> {face, show, labelled, total} (show null: nothing to undo)

Every change is on disk before the response leaves, so the page can be closed and the
server killed at any moment.
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
from collections import OrderedDict
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from typing import Any

import numpy as np

from ohlora.errors import OhloraError
from ohlora.studio.label_sheet import LabelSheet

DISPLAY_SIZE = 384
_IMG = re.compile(r"^/img/(\d+)\.png$")
_FACE = re.compile(r"^/api/face/(\d+)$")


class LabelApp:
    """State shared by the request threads: the sheet, the generator, an image cache."""

    def __init__(self, sheet: LabelSheet, gen: Any, run_name: str, cache_size: int = 64) -> None:
        self.sheet = sheet
        self.gen = gen
        self.run_name = run_name
        self.page = (files("ohlora") / "data" / "label" / "page.html").read_bytes()
        self._cache: OrderedDict[int, bytes] = OrderedDict()
        self._cache_size = cache_size
        self._gen_lock = threading.Lock()
        # this session's speed: faces completed since the first key, net of undos
        self._session_faces = 0
        self._session_start: float | None = None
        self._clock = time.monotonic

    def state(self) -> dict[str, Any]:
        return {
            "total": len(self.sheet),
            "labelled": self.sheet.labelled_count(),
            "first_unlabelled": self.sheet.first_unlabelled(),
            "run": self.run_name,
            "generator": getattr(self.gen, "name", "?"),
            "pass": self.sheet.label_pass,
            "session": self.session(),
        }

    def session(self) -> dict[str, Any]:
        """Faces completed in this server's session, its minutes and faces a minute."""
        minutes = 0.0 if self._session_start is None else (self._clock() - self._session_start) / 60
        rate = self._session_faces / minutes if minutes > 0 else None
        return {
            "faces": self._session_faces,
            "minutes": round(minutes, 2),
            "per_minute": None if rate is None else round(rate, 1),
        }

    def press(self, i: int, key: str) -> None:
        """Apply a key to face i, counting a face it completes (or un-completes)."""
        was = bool(self.sheet.done()[i]) if 0 <= i < len(self.sheet) else False
        self.sheet.press(i, key)
        self._count(was, i)

    def undo(self) -> int | None:
        """Undo the last change, taking back a completion it had counted."""
        with self.sheet.lock:
            last = self.sheet.history[-1][0] if self.sheet.history else None
            was = bool(self.sheet.done()[last]) if last is not None else False
        i = self.sheet.undo()
        if i is not None:
            self._count(was, i)
        return i

    def _count(self, was_done: bool, i: int) -> None:
        if self._session_start is None:
            self._session_start = self._clock()
        now = bool(self.sheet.done()[i])
        self._session_faces += int(now) - int(was_done)

    def image_png(self, i: int) -> bytes:
        """Face i as a PNG, generated from its seed and upscaled (bicubic) for the eye."""
        from PIL import Image

        with self._gen_lock:
            if i in self._cache:
                self._cache.move_to_end(i)
                return self._cache[i]
            z = self.gen.latents_for_seeds([int(self.sheet.seeds[i])])
            img = self.gen.synthesize(z)[0]
        assert img.dtype == np.uint8 and img.ndim == 3, (img.dtype, img.shape)
        big = Image.fromarray(img).resize((DISPLAY_SIZE, DISPLAY_SIZE), Image.BICUBIC)
        buf = io.BytesIO()
        big.save(buf, format="PNG")
        data = buf.getvalue()
        with self._gen_lock:
            self._cache[i] = data
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return data

    def after_change(self, i: int, advance: bool) -> dict[str, Any]:
        """The reply to a key: the changed face and which face to show next."""
        face = self.sheet.face(i)
        show = min(i + 1, len(self.sheet) - 1) if advance and face["done"] else i
        return {**self.state(), "face": face, "show": show}


def make_handler(app: LabelApp) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one app."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "ohlora-label"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the terminal shows the URL and the progress only

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _json(self, obj: Any, status: int = HTTPStatus.OK) -> None:
            self._send(status, json.dumps(obj).encode(), "application/json")

        def _error(self, status: int, message: str) -> None:
            self._json({"error": message}, status)

        def do_GET(self) -> None:
            try:
                path = self.path.split("?", 1)[0]
                if path in ("/", "/index.html"):
                    self._send(HTTPStatus.OK, app.page, "text/html; charset=utf-8")
                elif path == "/api/state":
                    self._json(app.state())
                elif m := _FACE.match(path):
                    self._json(app.sheet.face(int(m.group(1))))
                elif m := _IMG.match(path):
                    i = int(m.group(1))
                    app.sheet.face(i)  # range check
                    self._send(HTTPStatus.OK, app.image_png(i), "image/png")
                else:
                    self._error(HTTPStatus.NOT_FOUND, f"no such page {path}")
            except OhloraError as e:
                self._error(HTTPStatus.NOT_FOUND, str(e))

        def do_POST(self) -> None:
            # JSON only: another site's page cannot send it here without a preflight that this
            # server never grants, so it cannot change the labels behind the user's back
            if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
                self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send application/json")
                return
            try:
                n = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(n) or b"{}")
                if self.path == "/api/key":
                    i, key = int(body["index"]), str(body["key"])
                    app.press(i, key)
                    self._json(app.after_change(i, advance=True))
                elif self.path == "/api/undo":
                    i = app.undo()
                    if i is None:
                        self._json({**app.state(), "face": None, "show": None})
                    else:
                        self._json(app.after_change(i, advance=False))
                else:
                    self._error(HTTPStatus.NOT_FOUND, f"no such action {self.path}")
            except (KeyError, ValueError, TypeError) as e:
                self._error(HTTPStatus.BAD_REQUEST, f"bad request: {e}")
            except OhloraError as e:
                self._error(HTTPStatus.BAD_REQUEST, str(e))

    return Handler


def make_server(app: LabelApp, host: str, port: int) -> ThreadingHTTPServer:
    """Bind the page's server (port 0: any free port; read it from `server_address`)."""
    try:
        httpd = ThreadingHTTPServer((host, port), make_handler(app))
    except OSError as e:
        raise OhloraError(
            f"cannot listen on {host}:{port} ({e.strerror}): choose another --port"
        ) from None
    httpd.daemon_threads = True
    return httpd
