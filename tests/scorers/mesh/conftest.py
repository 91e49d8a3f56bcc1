"""Share the real-face fixtures of tests/faces."""

from tests.faces.conftest import analyzer, real_analyses, real_images  # noqa: F401
