"""`mammogan experiment`: the augmentation study (the seed's ORG, AugORG, GAN, AugGAN and the
Oversample controls) with patient-level folds and classifier seeds, F1, AP and AUC against the
number of real lesions k; or finish a stopped study. Prints the summary table, the paired
comparisons and the warnings (report.py)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from ...control import Control
from ...events import Event
from ...workspace import Workspace
from ..main import require_workspace

NAME = "experiment"
HELP = (
    "the augmentation study: lesion classifiers per mode (ORG, AugORG, Oversample, "
    "AugOversample, GAN, AugGAN), number of real lesions k, patient-level fold and seed; F1, "
    "AP and AUC against k with intervals, paired comparisons, PNG and CSV"
)
ORDER = 49


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ... import settings
    from ...experiment.options import StudyOptions

    p.description = (
        f"{HELP}. Each (fold, k)'s generator is trained on exactly that cell's k real lesions "
        "and kept in the study folder (not a workspace run); validation and test sets are "
        "real patches of other patients; the threshold is chosen on validation. The seed's "
        "settings are the defaults where the seed is clear: masses only (--lesion-types "
        "mass), 10 normals per real lesion (--normal-ratio), 1.5 synthetic lesions per real "
        "one (--synthetic-ratio), its classifier (--classifier-preset alyafi2020) and GAN "
        "(--gan-preset alyafi2020); ours: the Oversample controls, --seeds, the step budgets, "
        "selection on validation AP and the validation threshold. Results, folds and "
        "provenance are stored in the workspace (runs/STUDY/); --json prints study, results "
        "(per cell), summary, comparisons, warnings, folds, plot and csv."
    )
    p.add_argument(
        "--resume",
        metavar="STUDY",
        help="finish this stopped or interrupted study with its own settings (finished cells "
        "are not redone; other settings given are ignored)",
    )
    settings.add_arguments(p, StudyOptions)


def format_text(summary: dict[str, Any]) -> str:
    from ...experiment.report import format_report

    return format_report(summary)


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ... import settings
    from ...experiment.options import StudyOptions
    from ...experiment.study import run_study

    options = None if args.resume else settings.from_args(args, StudyOptions())
    with Workspace.open(require_workspace(args)) as ws:
        yield from run_study(ws, options, control, resume=args.resume)
