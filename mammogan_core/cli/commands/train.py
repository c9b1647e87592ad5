"""`mammogan train`: train the DCGAN on the workspace's patches (or resume a run)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import replace

from ...control import Control
from ...events import Event
from ...training import PRESETS, load_config_file, preset_config, train
from ...training.runs import stored_train_config
from ...workspace import Workspace
from ..main import require_workspace
from ..values import lesion_types, pathologies

NAME = "train"
HELP = "train the DCGAN on the workspace's lesion patches, or resume a run (--resume RUN)"
ORDER = 40


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        default=None,
        help="hyperparameter preset: alyafi2020 (default) the paper's recipe on mass patches; "
        "dcgan the classic DCGAN; cpu learns lesions on a CPU (the demo's); "
        "tiny is for tests only (its samples stay grey)",
    )
    p.add_argument(
        "--config", metavar="FILE.json", help="a TrainConfig as JSON (a run's config.json works)"
    )
    p.add_argument("--resume", metavar="RUN", help="continue this run from its last checkpoint")
    p.add_argument("--epochs", type=int, help="number of epochs (with --resume: train longer)")
    p.add_argument("--batch-size", type=int)
    p.add_argument("--device", help="auto | cuda | cuda:N | mps | cpu")
    p.add_argument(
        "--lesion-types",
        metavar="T1,T2",
        help="only these finding types, e.g. mass,calcification, or all (default: the "
        "preset's; alyafi2020 trains on masses)",
    )
    p.add_argument(
        "--pathology",
        metavar="P1,P2",
        help="only lesions of these pathologies: benign, malignant, unknown (comma list), or "
        "all (the default)",
    )
    p.add_argument("--split", help="patch split to train on (default train; 'all' for every split)")
    p.add_argument("--seed", type=int)
    p.add_argument("--amp", choices=("auto", "bf16", "off"))
    p.add_argument("--compile", choices=("off", "default", "reduce-overhead"))
    p.add_argument(
        "--checkpoint-every",
        type=int,
        metavar="N",
        help="checkpoint every N epochs (or steps with --checkpoint-unit steps)",
    )
    p.add_argument("--checkpoint-unit", choices=("epochs", "steps"))
    p.add_argument("--sample-every", type=int, metavar="STEPS")


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    ws = Workspace.open(require_workspace(args))
    try:
        if args.config:
            base = load_config_file(args.config)
        elif args.resume:  # the run's own configuration; train() refuses schedule changes
            base = stored_train_config(ws, args.resume)
        else:
            base = preset_config(args.preset or "alyafi2020")
        config = base.with_(
            preset=args.preset if (args.config or args.resume) else None,
            epochs=args.epochs,
            batch_size=args.batch_size,
            device=args.device,
            lesion_types=None if args.lesion_types == "all" else lesion_types(args.lesion_types),
            pathology=None if args.pathology == "all" else pathologies(args.pathology),
            seed=args.seed,
            amp=args.amp,
            compile=args.compile,
            checkpoint_every=args.checkpoint_every,
            checkpoint_unit=args.checkpoint_unit,
            sample_every=args.sample_every,
            split=None if args.split == "all" else args.split,
        )
        # "all" lifts a filter the base configuration has; with_() skips None values
        config = replace(
            config,
            **{
                name: None
                for name, text in (
                    ("split", args.split),
                    ("lesion_types", args.lesion_types),
                    ("pathology", args.pathology),
                )
                if text == "all"
            },
        )
        yield from train(ws, config, control, resume=args.resume)
    finally:
        ws.close()
