"""docs/cli.md is the parser's own --help of every command: it fails here when a flag changed
and the file was not regenerated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mammogan_core.cli import reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_the_cli_reference_is_up_to_date() -> None:
    text = DOC.read_text(encoding="utf-8")
    made_with = re.search(r"with Python (\d+\.\d+)", text)
    assert made_with, f"{DOC} does not say which Python made it; regenerate it: {reference.COMMAND}"
    if made_with.group(1) != reference.python_version():
        pytest.skip(
            f"docs/cli.md was made with Python {made_with.group(1)}, whose argparse "
            f"words the help differently from {reference.python_version()}'s"
        )
    assert text == reference.render(), (
        f"docs/cli.md is out of date with the commands' flags; regenerate it with\n"
        f"  {reference.COMMAND}"
    )


def test_the_reference_holds_every_command() -> None:
    from mammogan_core.cli.main import discover_commands

    text = reference.render()
    for mod in discover_commands():
        assert f"\n## mammogan {mod.NAME}\n" in text
