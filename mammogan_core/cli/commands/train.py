"""`mammogan train`: train the DCGAN on the workspace's patches (or resume a run)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from ... import settings
from ...control import Control
from ...events import Event
from ...training import PRESETS, TrainConfig, load_config_file, preset_config, train
from ...training.config import DEFAULT_PRESET
from ...training.runs import stored_train_config
from ...workspace import Workspace
from ..main import require_workspace

NAME = "train"
HELP = "train the DCGAN on the workspace's lesion patches, or resume a run (--resume RUN)"
ORDER = 40


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.description = (
        f"Every setting starts from the preset ({DEFAULT_PRESET} unless --preset says "
        "otherwise), a --config file or the resumed run's own configuration; the flags given "
        f"change it. The defaults shown are the {DEFAULT_PRESET} preset's."
    )
    p.add_argument(
        "--config", metavar="FILE.json", help="a TrainConfig as JSON (a run's config.json works)"
    )
    p.add_argument(
        "--resume",
        metavar="RUN",
        help="continue this run from its last checkpoint (--epochs: train until that epoch)",
    )
    settings.add_arguments(p, TrainConfig, PRESETS[DEFAULT_PRESET])


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    ws = Workspace.open(require_workspace(args))
    try:
        if args.config:
            base = load_config_file(args.config)
        elif args.resume:  # the run's own configuration; train() refuses schedule changes
            base = stored_train_config(ws, args.resume)
        else:
            base = preset_config(getattr(args, "preset", DEFAULT_PRESET))
        yield from train(ws, settings.from_args(args, base), control, resume=args.resume)
    finally:
        ws.close()
