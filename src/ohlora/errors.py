"""User-facing errors: one clear line that says what went wrong and what to do."""


class OhloraError(Exception):
    """An error caused by input or environment, shown to the user as one line (no traceback).

    The message must say what to do next, e.g. "no network: run `ohlora weights import ...`".
    """
