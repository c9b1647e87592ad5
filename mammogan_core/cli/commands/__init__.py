"""One module per `mammogan` subcommand (discovered automatically; see cli/main.py)."""
