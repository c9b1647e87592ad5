"""`mammogan phantom`: write a synthetic demo corpus (DICOM mammograms + annotation CSV)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from ...control import Control
from ...events import Event
from ...phantom import generate_corpus

NAME = "phantom"
HELP = "write synthetic DICOM mammograms with annotated lesions (a demo corpus)"
ORDER = 5


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created if needed)")
    p.add_argument("--n", type=int, default=40, help="number of images, 4 per patient (default 40)")
    p.add_argument("--seed", type=int, default=0, help="same seed, same corpus (default 0)")
    p.add_argument("--rows", type=int, default=2294, help="image height in pixels (default 2294)")
    p.add_argument("--cols", type=int, default=1914, help="image width in pixels (default 1914)")


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    # --workspace is accepted (every command has it) but the corpus is plain files.
    yield from generate_corpus(Path(args.out), args.n, args.seed, control, args.rows, args.cols)
