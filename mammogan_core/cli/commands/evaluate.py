"""`mammogan evaluate`: how realistic, varied and original a run's synthetic patches are."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from ... import settings
from ...control import Control
from ...events import Event
from ...metrics.options import EvaluateOptions
from ..main import require_workspace

NAME = "evaluate"
HELP = (
    "measure a training run's generator against its training patches: FID (with an Inception "
    "weights file), KID, precision/recall, diversity, a radiomics Fréchet distance and "
    "memorised copies; a report with figures in the run folder"
)
ORDER = 46


def add_arguments(p: argparse.ArgumentParser) -> None:
    settings.add_arguments(p, EvaluateOptions)


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...metrics.evaluate import evaluate_run
    from ...workspace import Workspace

    options = settings.from_args(args, EvaluateOptions())
    options.require_run()
    with Workspace.open(require_workspace(args)) as ws:
        yield from evaluate_run(ws, options, control)
