"""`python -m ohlora` is the same as the `ohlora` command."""

from ohlora.cli import main

raise SystemExit(main())
