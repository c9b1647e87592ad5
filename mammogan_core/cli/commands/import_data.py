"""`mammogan import SRC --workspace WS`: bring a dataset (images + annotations) into a workspace."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from ...control import Control
from ...events import Event
from ...importing.detect import FORMATS
from ...workspace import Workspace
from ..main import require_workspace

NAME = "import"
HELP = "import a dataset folder (mini-MIAS, CBIS-DDSM, VinDr-Mammo, INbreast, OPTIMAM, CSV, images)"
ORDER = 20


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", metavar="SRC", help="the dataset folder")
    p.add_argument(
        "--format",
        default="auto",
        choices=("auto", *FORMATS),
        help="dataset format (default: detected from the annotation files)",
    )
    p.add_argument("--annotations", metavar="FILE", help="annotation file (default: found in SRC)")
    p.add_argument(
        "--filter",
        action="append",
        default=[],
        metavar="EXPR",
        help="keep only images whose header matches, e.g. 'PresentationIntentType=FOR PRESENTATION' "
        "or 'Manufacturer~HOLOGIC' (repeatable; != also works)",
    )


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...importing import HeaderFilter  # pydicom only when importing
    from ...importing.pipeline import import_dataset, plan_import

    folder = require_workspace(args)
    filters = [HeaderFilter.parse(text) for text in args.filter]
    source = Path(args.source).expanduser()
    annotations = Path(args.annotations).expanduser() if args.annotations else None
    # The workspace is created only once the inputs are read (annotation columns included),
    # so a typo or a wrong file leaves no folder behind.
    plan = plan_import(source, args.format, annotations)
    with Workspace.open_or_create(folder) as ws:
        yield from import_dataset(ws, source, args.format, annotations, control, filters, plan)
