"""`mammogan phantom`: write a synthetic demo corpus (DICOM mammograms + annotation CSV), or with
`--film` film-scanned look-alikes (8-bit PGM + mini-MIAS Info.txt)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from ...control import Control
from ...events import Event
from ...phantom import generate_corpus, generate_film_corpus
from ...phantom.film import FILM_SIZE

NAME = "phantom"
HELP = "write synthetic mammograms with annotated lesions: DICOM (a demo corpus) or --film scans"
ORDER = 5


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created if needed)")
    p.add_argument(
        "--n",
        type=int,
        default=40,
        help="number of images (default 40; 4 per patient, 2 with --film)",
    )
    p.add_argument("--seed", type=int, default=0, help="same seed, same corpus (default 0)")
    p.add_argument(
        "--film",
        action="store_true",
        help="film scans like mini-MIAS: 8-bit PGM at 0.2 mm, MLO pairs, a noisy background, a "
        f"film label and a scanner edge strip, with Info.txt (import with --format mias; "
        f"{FILM_SIZE} x {FILM_SIZE} unless --rows / --cols)",
    )
    p.add_argument("--rows", type=int, help="image height in pixels (default 2294, film 1024)")
    p.add_argument("--cols", type=int, help="image width in pixels (default 1914, film 1024)")


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    # --workspace is accepted (every command has it) but the corpus is plain files.
    if args.film:
        rows, cols = args.rows or FILM_SIZE, args.cols or FILM_SIZE
        yield from generate_film_corpus(Path(args.out), args.n, args.seed, control, rows, cols)
    else:
        rows, cols = args.rows or 2294, args.cols or 1914
        yield from generate_corpus(Path(args.out), args.n, args.seed, control, rows, cols)
