"""The mesh scorer's worker process: `python -m ohlora.scorers.mesh.workers SIZE`.

It builds one `FaceAnalyzer` (SIZE: the analysis size) and scores image batches with it; the
pipe protocol and the pool are `ohlora.scorers.workers`.
"""

from __future__ import annotations

import sys

from ohlora.scorers.workers import Handler, serve


def _build(size: int) -> Handler:
    import cv2

    from ohlora.faces.analysis import FaceAnalyzer
    from ohlora.properties.scores import score_batch

    cv2.setNumThreads(1)
    analyzer = FaceAnalyzer(size)
    return lambda images: score_batch(analyzer, images)


if __name__ == "__main__":
    serve(lambda: _build(int(sys.argv[1])))
