"""`mammogan generate`: synthetic lesion patches (PNG) from a run or an external weights file."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from ... import settings
from ...control import Control
from ...events import Event
from ...output_folder import prepare_output_folder
from ...training.generate_options import GenerateOptions
from ..main import require_workspace
from ..values import add_overwrite_flag

NAME = "generate"
HELP = "write N synthetic patches (PNG) from a training run or a generator weights file"
ORDER = 45


def add_arguments(p: argparse.ArgumentParser) -> None:
    settings.add_arguments(p, GenerateOptions)
    add_overwrite_flag(p, "the samples and manifest.json of an earlier run")


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...training.devices import resolve_device
    from ...training.generate import generate_pngs, generator_from_file, generator_from_run

    options = settings.from_args(args, GenerateOptions())
    options.require_source()
    out = options.out_path
    device = resolve_device(options.device)
    if options.weights:
        g, source = generator_from_file(options.weights, options.preset)
    else:
        from ...workspace import Workspace

        with Workspace.open(require_workspace(args)) as ws:
            g, source = generator_from_run(ws, options.run, options.checkpoint)
    out = prepare_output_folder(out, r"sample_\d+\.png|manifest\.json", args.overwrite)
    yield from generate_pngs(
        g, options.n, out, options.seed, device, control, source, options.condition
    )
