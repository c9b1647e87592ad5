"""Flags that several subcommands share, so that --overwrite has one meaning. (Settings and
their list flags come from the settings' declarations: mammogan_core.settings.)"""

from __future__ import annotations

import argparse


def add_overwrite_flag(p: argparse.ArgumentParser, replaces: str) -> None:
    """--overwrite of a command that writes a folder of files (`output_folder`)."""
    p.add_argument(
        "--overwrite",
        action="store_true",
        help=f"write into a non-empty folder, replacing {replaces} (other files are kept)",
    )
