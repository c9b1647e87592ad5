"""`mammogan export-generator`: a run's generator as a plain state dict with config.json, for
medigan-style tools and plain PyTorch; `mammogan generate --weights DIR` loads it back."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from ... import settings
from ...control import Control
from ...errors import InputError
from ...events import Event, Finished
from ...training.generator_package import GeneratorExportOptions
from ...workspace import Workspace
from ..main import require_workspace
from ..values import add_overwrite_flag

NAME = "export-generator"
HELP = (
    "write a run's generator as generator.pt (a plain state dict, loaded with "
    "weights_only=True) and config.json (input, output range, conditions) for other tools"
)
ORDER = 56


def add_arguments(p: argparse.ArgumentParser) -> None:
    settings.add_arguments(p, GeneratorExportOptions)
    add_overwrite_flag(p, "an earlier generator.pt, config.json and MODEL_CARD.md")


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...training.generator_package import export_generator

    options = settings.from_args(args, GeneratorExportOptions())
    if not options.run or not options.out:
        raise InputError("name the run (--run) and the output folder (--out)")
    with Workspace.open(require_workspace(args)) as ws:
        config = export_generator(ws, options.run, options.out, options.checkpoint, args.overwrite)
    yield Finished({"out": options.out, **config})
