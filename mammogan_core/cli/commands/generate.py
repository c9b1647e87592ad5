"""`mammogan generate`: synthetic lesion patches (PNG) from a run or an external weights file."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from ...control import Control
from ...errors import InputError
from ...events import Event
from ...output_folder import prepare_output_folder
from ...training import PRESETS  # torch-free; model presets share these names
from ..main import require_workspace

NAME = "generate"
HELP = "write N synthetic patches (PNG) from a training run or a generator weights file"
ORDER = 45


def add_arguments(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--run", help="a training run of the workspace")
    src.add_argument(
        "--weights",
        metavar="FILE",
        help="a generator state dict (e.g. medigan's "
        "malign_mass_gen); loaded safely, no workspace needed",
    )
    p.add_argument(
        "--checkpoint", default="best", help="with --run: best | last | STEP (default best)"
    )
    p.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        default="alyafi2020",
        help="with --weights: the architecture of the file (default alyafi2020)",
    )
    p.add_argument("--n", type=int, required=True, help="number of images")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="write into a non-empty folder, replacing the samples and manifest.json of an "
        "earlier run (other files are kept)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto", help="auto | cuda | cuda:N | mps | cpu")


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...training.devices import resolve_device
    from ...training.generate import generate_pngs, generator_from_file, generator_from_run

    if args.n < 1:
        raise InputError(f"--n must be at least 1 (got {args.n})")
    device = resolve_device(args.device)
    if args.weights:
        g, source = generator_from_file(args.weights, args.preset)
    else:
        from ...workspace import Workspace

        with Workspace.open(require_workspace(args)) as ws:
            g, source = generator_from_run(ws, args.run, args.checkpoint)
    out = prepare_output_folder(args.out, r"sample_\d+\.png|manifest\.json", args.overwrite)
    yield from generate_pngs(g, args.n, out, args.seed, device, control, source)
