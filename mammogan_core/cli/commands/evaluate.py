"""`mammogan evaluate`: how realistic, varied and original a run's synthetic patches are."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from ... import settings
from ...control import Control
from ...events import Event
from ...metrics.options import EvaluateOptions
from ..main import require_workspace

NAME = "evaluate"
HELP = (
    "measure a training run's generator against its training patches: FID (with an Inception "
    "weights file), KID, precision/recall, diversity, radiomics FD and a 1-NN two-sample test, "
    "each with a bootstrap interval and a real-vs-real floor at the same sample size, and "
    "memorised copies; a report with figures in the run folder"
)
ORDER = 46


def format_text(summary: dict[str, Any]) -> str:
    from ...metrics.table import result_text

    return result_text(summary)


def add_arguments(p: argparse.ArgumentParser) -> None:
    settings.add_arguments(p, EvaluateOptions)


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...metrics.evaluate import evaluate_run
    from ...workspace import Workspace

    options = settings.from_args(args, EvaluateOptions())
    options.require_run()
    with Workspace.open(require_workspace(args)) as ws:
        yield from evaluate_run(ws, options, control)
