"""`mammogan extract`: cut lesion and normal-tissue patches from the catalogued images."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator

from ...control import Control
from ...errors import InputError
from ...events import Event
from ...workspace import Workspace
from ..main import require_workspace

NAME = "extract"
HELP = "extract 128x128 lesion and normal-tissue patches (parallel, resumable, shardable)"
ORDER = 30


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this job was given (cluster nodes)
    except AttributeError:
        return os.cpu_count() or 1


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ...extraction import ExtractParams

    d = ExtractParams()
    p.add_argument(
        "--workers",
        type=int,
        default=_cpus(),
        help="worker processes (default: the cores available; 0 = in this process)",
    )
    p.add_argument(
        "--shard",
        metavar="i/n",
        help="only the images with id %% n == i (cluster array jobs: shards may run at once on "
        "one machine; on a network file system run them one after another)",
    )
    p.add_argument(
        "--redo",
        action="store_true",
        help="discard the patches of the images extracted before (of the shard) and start again",
    )
    p.add_argument(
        "--normal-per-image",
        type=int,
        default=d.normal_per_image,
        help="normal-tissue patches per image (default %(default)s)",
    )
    p.add_argument(
        "--normalise",
        choices=("minmax", "percentile", "window"),
        default=d.normalise,
        help="minmax: the seed's per-image rescale; percentile: 0.5-99.5 %% inside the breast; window: the DICOM VOI window",
    )
    p.add_argument(
        "--lesion-types",
        metavar="T1,T2",
        help="only these finding types, e.g. mass,calcification (default: every located finding)",
    )
    p.add_argument(
        "--max-lesion-px",
        type=int,
        default=d.max_lesion_px,
        help="skip lesion boxes larger than this (default %(default)s, 0 = no limit)",
    )
    p.add_argument(
        "--lesion-shape",
        choices=("square", "stretch"),
        default=d.lesion_shape,
        help="square: pad the box to a square around its centre (default); stretch: resize the box as is (the seed)",
    )
    p.add_argument(
        "--scale",
        choices=("box", "fixed"),
        default=d.scale,
        help="box: the lesion box fills the patch; fixed: --mm-per-px",
    )
    p.add_argument(
        "--mm-per-px",
        type=float,
        help="with --scale fixed: patch resolution, e.g. 0.2 (128 px = 25.6 mm)",
    )
    p.add_argument(
        "--margin",
        type=float,
        default=d.margin,
        help="context around the lesion box, fraction of its side (default %(default)s)",
    )
    p.add_argument(
        "--pad",
        choices=("constant", "reflect"),
        default=d.pad,
        help="past the image border: black or mirrored (default %(default)s)",
    )
    p.add_argument(
        "--normal-margin",
        type=float,
        default=d.normal_margin_px,
        help="pixels kept between normal patches and finding boxes (default %(default)s)",
    )
    p.add_argument(
        "--mask-threshold",
        type=float,
        default=d.mask_threshold,
        help="breast = pixels above this raw value (default %(default)s, the seed's > 0; raise "
        "it for scanned film with a noisy background such as mini-MIAS)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=d.seed,
        help="random seed of normal patches and splits (default %(default)s)",
    )
    p.add_argument(
        "--uint16", action="store_true", help="also keep 16-bit patches (the uint16 patch store)"
    )


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...extraction import ExtractParams, extract_patches, parse_shard

    if args.workers < 0:
        raise InputError("--workers must be >= 0")
    types = tuple(t.strip() for t in (args.lesion_types or "").split(",") if t.strip())
    params = ExtractParams(
        normalise=args.normalise,
        lesion_types=types,
        max_lesion_px=args.max_lesion_px,
        lesion_shape=args.lesion_shape,
        scale=args.scale,
        mm_per_px=args.mm_per_px,
        margin=args.margin,
        pad=args.pad,
        normal_per_image=args.normal_per_image,
        normal_margin_px=args.normal_margin,
        mask_threshold=args.mask_threshold,
        seed=args.seed,
        uint16=args.uint16,
    )
    shard = parse_shard(args.shard)
    with Workspace.open(require_workspace(args)) as ws:
        yield from extract_patches(
            ws, params, control, workers=args.workers, shard=shard, redo=args.redo
        )
