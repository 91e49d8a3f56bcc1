"""The dlib judge's worker process: `python -m ohlora.scorers.dlib.worker`.

It loads dlib's models once and analyses image batches; the pipe protocol and the pool are
`ohlora.scorers.workers`.
"""

from __future__ import annotations

from ohlora.scorers.workers import Handler, serve


def _build() -> Handler:
    from ohlora.scorers.dlib.analysis import DlibFaces

    return DlibFaces().analyse


if __name__ == "__main__":
    serve(_build)
