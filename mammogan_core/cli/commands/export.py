"""`mammogan export`: an augmented dataset (real patches, flipped copies, synthetic lesions) as
an ImageFolder tree (PNG or TIFF), NPZ, HDF5 or DICOM files, with a manifest and dataset cards,
for other training pipelines."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from ...control import Control
from ...events import Event
from ...workspace import Workspace
from ..main import require_workspace

NAME = "export"
HELP = (
    "export an augmented dataset (imagefolder, tiff, npz, hdf5 or dicom) with manifest.csv "
    "and dataset cards (croissant.json, README.md), de-identified, synthetic images marked"
)
ORDER = 48


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ... import settings
    from ...export import ExportSettings

    settings.add_arguments(p, ExportSettings)


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ... import settings
    from ...export import ExportSettings, export_dataset

    # a stopped export leaves nothing to continue: the same command starts it again
    chosen = settings.from_args(args, ExportSettings())
    with Workspace.open(require_workspace(args)) as ws:
        yield from export_dataset(ws, chosen, control)
