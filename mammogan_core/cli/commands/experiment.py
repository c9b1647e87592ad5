"""`mammogan experiment`: the seed's augmentation study (ORG, AugORG, GAN, AugGAN) with
patient-level folds, F1 against the number of real lesions k; or finish a stopped study."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from ...control import Control
from ...events import Event
from ...workspace import Workspace
from ..main import require_workspace

NAME = "experiment"
HELP = (
    "the augmentation study: a lesion classifier per mode (ORG, AugORG, GAN, AugGAN), number of "
    "real lesions k and patient-level fold; F1 against k as PNG and CSV"
)
ORDER = 49


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ... import settings
    from ...experiment.options import StudyOptions

    p.description = (
        f"{HELP}. Each fold's generator is trained on that fold's training patients only; "
        "validation and test sets are real patches of other patients. Results, folds and "
        "provenance are stored in the workspace (runs/STUDY/); --json prints study, results, "
        "summary, folds, comparisons, plot and csv."
    )
    p.add_argument(
        "--resume",
        metavar="STUDY",
        help="finish this stopped or interrupted study with its own settings (finished cells "
        "are not redone; other settings given are ignored)",
    )
    settings.add_arguments(p, StudyOptions)


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ... import settings
    from ...experiment.options import StudyOptions
    from ...experiment.study import run_study

    options = None if args.resume else settings.from_args(args, StudyOptions())
    with Workspace.open(require_workspace(args)) as ws:
        yield from run_study(ws, options, control, resume=args.resume)
