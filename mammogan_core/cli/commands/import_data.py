"""`mammogan import SRC --workspace WS`: bring a dataset (images + annotations) into a workspace."""

from __future__ import annotations

import argparse
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...control import Control
from ...errors import InputError
from ...events import Event, Finished
from ...importing.detect import FORMATS
from ...workspace import Workspace
from ...workspace.workspace import MARKER
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
    root = Path(folder).expanduser()
    created = not (root / MARKER).exists()
    existed = root.exists()
    summary: dict[str, Any] = {}
    with Workspace.open_or_create(folder) as ws:
        for event in import_dataset(ws, source, args.format, annotations, control, filters, plan):
            if isinstance(event, Finished):
                summary = event.summary
            else:
                yield event
    if summary.get("images") or control.stop_requested:
        yield Finished(summary)
        return
    if created:  # a workspace the import made only to leave it empty: the user did not ask
        _remove_new_workspace(root, existed)
    raise InputError(f"no image imported as {plan.fmt}{_why_nothing(summary)}", plan.source)


def _why_nothing(summary: dict[str, Any]) -> str:
    """The counts of unreadable files and unused rows, each with an example of its most
    common reason (the first row may be an unrelated one, e.g. a row without coordinates)."""
    parts = []
    for key, what in (("errors", "files could not be read"), ("skipped", "rows were not used")):
        items = summary.get(key) or []
        if items:
            kinds = Counter(" ".join(i["reason"].split()[:4]) for i in items)
            kind, n = kinds.most_common(1)[0]
            example = next(i for i in items if i["reason"].startswith(kind))
            where = example.get("path") or example.get("row")
            parts.append(f"{len(items)} {what}, {n} like {where}: {example['reason']}")
    return ": " + "; ".join(parts) if parts else ": no image file found"


def _remove_new_workspace(root: Path, existed: bool) -> None:
    """Remove what Workspace.create made: the folder, or only its content when the user gave
    an existing (empty) folder."""
    if not existed:
        shutil.rmtree(root)
        return
    for entry in root.iterdir():
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
