"""`mammogan patches`: write extracted patches as PNG files with an index.csv."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from ...control import Control
from ...errors import InputError
from ...events import Event
from ...workspace import Workspace
from ..main import require_workspace

NAME = "patches"
HELP = "write extracted patches as <patch_id>.png plus index.csv"
ORDER = 35


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--label", choices=("lesion", "normal"), help="only lesion or only normal patches"
    )
    p.add_argument("--limit", type=int, help="at most N patches (the first by id)")


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...extraction.png_export import export_pngs

    if args.limit is not None and args.limit < 0:
        raise InputError("--limit must be >= 0")
    with Workspace.open(require_workspace(args)) as ws:
        yield from export_pngs(ws, args.out, control, args.label, args.limit)
