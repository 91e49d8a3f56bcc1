"""One module per `ohlora` subcommand (discovered automatically, ordered by ORDER)."""
