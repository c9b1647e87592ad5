"""`mammogan patches`: write extracted patches as PNG files with an index.csv."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from ...control import Control
from ...errors import InputError
from ...events import Event
from ...output_folder import prepare_output_folder
from ...workspace import Workspace
from ..main import require_workspace, resumable
from ..values import add_overwrite_flag

NAME = "patches"
HELP = "write extracted patches as <patch_id>.png plus index.csv"
ORDER = 35


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--label", choices=("lesion", "normal"), help="only lesion or only normal patches"
    )
    p.add_argument("--limit", type=int, help="at most N patches (the first by id)")
    add_overwrite_flag(p, "the PNGs and index.csv of an earlier export")


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...extraction.png_export import export_pngs

    if args.limit is not None and args.limit < 1:
        raise InputError(f"--limit must be at least 1 (got {args.limit})")
    with Workspace.open(require_workspace(args)) as ws:
        counts = ws.counts()
        labels = (args.label,) if args.label else ("lesion", "normal")
        available = sum(counts[f"{label}_patches"] for label in labels)
        if not available:
            what = f"{args.label} patches" if args.label else "patches"
            raise InputError(f"the workspace has no {what}; run `mammogan extract` first", ws.root)
        out = prepare_output_folder(args.out, r"\d+\.png|index\.csv", args.overwrite, "index.csv")
        yield from resumable(export_pngs(ws, out, control, args.label, args.limit), args)
