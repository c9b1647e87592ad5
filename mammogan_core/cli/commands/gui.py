"""`mammogan gui`: open the desktop app (optionally render one panel to a PNG and exit)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...control import Control
from ...errors import InputError
from ...events import Event, Finished

NAME = "gui"
HELP = "open the desktop app (--screenshot renders a panel to PNG and exits)"
ORDER = 90


def add_arguments(p: argparse.ArgumentParser) -> None:
    # the app owns its panel names and checks this one before opening a window
    p.add_argument(
        "--panel", metavar="NAME", default=None, help="the panel to show first, e.g. train"
    )
    p.add_argument(
        "--screenshot", metavar="FILE.png", help="render the window to FILE.png and exit"
    )
    p.add_argument("--size", default="1400x900", help="window size WxH for screenshots")


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    if args.workspace and not Path(args.workspace).is_dir():
        raise InputError("no such workspace folder", args.workspace)
    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise InputError(f"--size must look like 1400x900, not {args.size!r}") from None
    yield Finished(
        {
            "workspace": args.workspace,
            "panel": args.panel,
            "screenshot": args.screenshot,
            "size": [w, h],
        }
    )


def gui_request(args: argparse.Namespace, summary: dict[str, Any]) -> dict[str, Any]:
    return {k: summary[k] for k in ("workspace", "panel", "screenshot", "size")}
