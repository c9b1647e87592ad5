"""`mammogan demo`: build the demo workspace from synthetic DICOMs and run the workflow."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from ...control import Control
from ...events import Event

NAME = "demo"
HELP = "generate the synthetic demo corpus into a workspace, run every step, open the app"
ORDER = 1


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-gui", action="store_true", help="do not open the app at the end")
    p.add_argument("--images", type=int, default=None, help="number of synthetic mammograms")
    p.add_argument("--seed", type=int, default=None, help="random seed of the corpus")
    p.add_argument("--epochs", type=int, help="training epochs (default: the cpu preset's 300)")
    p.add_argument("--no-train", action="store_true", help="stop after patch extraction")


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...demo import DEMO_IMAGES, DEMO_SEED, default_demo_dir, demo_steps
    from ...errors import InputError

    images = DEMO_IMAGES if args.images is None else args.images
    if images < 1:
        raise InputError("--images must be at least 1")
    args.workspace = args.workspace or str(default_demo_dir())
    yield from demo_steps(
        args.workspace,
        control,
        n_images=images,
        seed=DEMO_SEED if args.seed is None else args.seed,
        train=not args.no_train,
        train_epochs=args.epochs,
    )


def gui_request(args: argparse.Namespace, summary: dict[str, Any]) -> dict[str, Any] | None:
    if args.no_gui:
        return None
    # after_work: the demo's work is saved; a machine that cannot open a window still exits 0
    return {"workspace": summary["workspace"], "panel": "browse", "after_work": True}
