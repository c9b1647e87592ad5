"""`mammogan metrics`: the evaluation's figures between two folders of images."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from ... import settings
from ...control import Control
from ...events import Event
from ...metrics.options import MetricsOptions

NAME = "metrics"
HELP = (
    "compare a folder of synthetic images with a folder of real ones (PNG, TIFF, PGM, DICOM): "
    "FID (with an Inception weights file), KID, precision/recall, diversity, radiomics FD and a "
    "1-NN two-sample test with intervals and real-vs-real floors, and memorised copies (named "
    "by file); the report goes to FAKE_DIR/evaluation"
)
ORDER = 47


def format_text(summary: dict[str, Any]) -> str:
    from ...metrics.table import result_text

    return result_text(summary)


def add_arguments(p: argparse.ArgumentParser) -> None:
    settings.add_arguments(p, MetricsOptions)


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...metrics.folders import compare_folders

    yield from compare_folders(settings.from_args(args, MetricsOptions()), control)
