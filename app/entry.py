"""The `mammogan` console entry point: no arguments opens the app, subcommands run headless."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        from .application import launch

        return launch()
    from mammogan_core.cli.main import run_cli

    outcome = run_cli(argv)
    if outcome.gui is None:
        return outcome.exit_code
    from .application import launch

    return launch(**outcome.gui)


if __name__ == "__main__":
    sys.exit(main())
