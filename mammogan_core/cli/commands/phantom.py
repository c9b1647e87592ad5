"""`mammogan phantom`: write a synthetic demo corpus (DICOM mammograms + annotation CSV), or with
`--film` film-scanned look-alikes (8-bit PGM + mini-MIAS Info.txt)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from ...control import Control
from ...events import Event
from ...output_folder import prepare_output_folder
from ...phantom import generate_corpus, generate_film_corpus
from ...phantom.corpus import check_request
from ...phantom.film import FILM_SIZE
from ..main import resumable
from ..values import add_overwrite_flag

NAME = "phantom"
HELP = "write synthetic mammograms with annotated lesions: DICOM (a demo corpus) or --film scans"
ORDER = 5

# what each corpus writes, and the file it writes last (a folder without it is continued)
DICOM_FILES = r"images/case\d{4}/case\d{4}_[LR]_(?:CC|MLO)\.dcm|annotations\.csv|manifest\.csv"
FILM_FILES = r"mdb\d{3}\.pgm|Info\.txt"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="output folder: new, empty, or a stopped corpus to finish (created if needed)",
    )
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
    add_overwrite_flag(p, "the images, annotations and manifest of an earlier corpus")


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    # --workspace is accepted (every command has it) but the corpus is plain files.
    if args.film:
        rows, cols = args.rows or FILM_SIZE, args.cols or FILM_SIZE
        check_request(Path(args.out), args.n, rows, cols)  # before the folder is made
        out = prepare_output_folder(args.out, FILM_FILES, args.overwrite, "Info.txt")
        events = generate_film_corpus(out, args.n, args.seed, control, rows, cols)
    else:
        rows, cols = args.rows or 2294, args.cols or 1914
        check_request(Path(args.out), args.n, rows, cols)
        out = prepare_output_folder(args.out, DICOM_FILES, args.overwrite, "manifest.csv")
        events = generate_corpus(out, args.n, args.seed, control, rows, cols)
    yield from resumable(events, args, drop=("--overwrite",))
