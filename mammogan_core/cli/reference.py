"""The CLI reference (docs/cli.md): the --help of `mammogan` and of every command and subcommand,
as the parser prints it, so that the guide cannot drift from the flags.

    python -m mammogan_core.cli.reference > docs/cli.md
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Iterator

from .main import build_parser

WIDTH = 100  # the help's line width, fixed so that the file does not depend on the terminal
COMMAND = "python -m mammogan_core.cli.reference > docs/cli.md"


def python_version() -> str:
    """argparse words its help differently between Python versions: the file names the one it
    was made with."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):  # aliases name one parser
                yield from _parsers(sub)


def _help(parser: argparse.ArgumentParser) -> str:
    parser.formatter_class = functools.partial(parser.formatter_class, width=WIDTH)
    return parser.format_help().rstrip()


def render() -> str:
    parser, _ = build_parser()
    parts = [
        "# Command-line reference",
        "",
        "Every command's `--help`, as the parser prints it (with Python "
        f"{python_version()}). Generated, not written by hand: after changing a flag run",
        "",
        f"    {COMMAND}",
        "",
        "The [user guide](index.md) explains when to use which.",
    ]
    for p in _parsers(parser):
        parts += ["", f"## {p.prog}", "", "```text", _help(p), "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
