"""`mammogan import SRC --workspace WS`: bring a dataset (images + annotations) into a workspace."""

from __future__ import annotations

import argparse
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from ...control import Control
from ...errors import InputError
from ...events import Event, Finished
from ...importing.options import ImportOptions
from ...importing.results import ImportResult
from ...settings import add_arguments as add_settings
from ...settings import from_args
from ...workspace import Workspace
from ...workspace.workspace import MARKER
from ..main import require_workspace, resumable

NAME = "import"
HELP = "import a dataset folder (mini-MIAS, CBIS-DDSM, VinDr-Mammo, INbreast, OPTIMAM, CSV, images)"
ORDER = 20


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_settings(p, ImportOptions)


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...importing.pipeline import import_dataset, plan_import  # pydicom only when importing

    folder = require_workspace(args)
    options = from_args(args, ImportOptions())
    # The workspace is created only once the inputs are read (annotation columns included),
    # so a typo or a wrong file leaves no folder behind.
    plan = plan_import(options.source_path, options.format, options.annotations_path)
    root = Path(folder).expanduser()
    created = not (root / MARKER).exists()
    existed = root.exists()
    result: ImportResult | None = None
    with Workspace.open_or_create(folder) as ws:
        events = import_dataset(
            ws, plan.source, plan.fmt, None, control, options.header_filters(), plan
        )
        for event in events:
            if isinstance(event, Finished):
                result = event.summary  # type: ignore[assignment]
            else:
                yield event
    assert isinstance(result, ImportResult)
    if result.images or result.status == "stopped":
        # stopped: the same command completes the import
        yield from resumable(iter([Finished(result)]), args)
        return
    if created:  # a workspace the import made only to leave it empty: the user did not ask
        _remove_new_workspace(root, existed)
    raise InputError(f"no image imported as {plan.fmt}{_why_nothing(result)}", plan.source)


def _why_nothing(result: ImportResult) -> str:
    """The counts of unreadable files and unused rows, each with an example of its most
    common reason (the first row may be an unrelated one, e.g. a row without coordinates)."""
    parts = []
    problems = (
        (result.errors, "files could not be read", lambda e: e.path),
        (result.skipped, "rows were not used", lambda e: e.row),
    )
    for items, what, where in problems:
        if items:
            kinds = Counter(" ".join(i.reason.split()[:4]) for i in items)
            kind, n = kinds.most_common(1)[0]
            example = next(i for i in items if i.reason.startswith(kind))
            parts.append(f"{len(items)} {what}, {n} like {where(example)}: {example.reason}")
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
