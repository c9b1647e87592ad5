"""`mammogan extract`: cut lesion and normal-tissue patches from the catalogued images."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator

from ...control import Control
from ...errors import InputError
from ...events import Event, Finished
from ...workspace import Workspace
from ..main import require_workspace, rerun_command
from ..values import lesion_types

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
        "--preset",
        choices=("default", "seed"),
        default="default",
        help="seed: every extraction choice set to the authors' values (box crop stretched, "
        "inclusive box ends, min-max, mask > 0, overlapping normals drawn over the image); "
        "default: the app's choices (see the README). Flags given as well override the preset.",
    )
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
        help=f"normal-tissue patches per image (default {d.normal_per_image})",
    )
    p.add_argument(
        "--normalise",
        choices=("minmax", "percentile", "window"),
        help="minmax: the seed's per-image rescale (default); percentile: 0.5-99.5 %% inside "
        "the breast; window: the DICOM VOI window",
    )
    p.add_argument(
        "--lesion-types",
        metavar="T1,T2",
        help="only these finding types, e.g. mass,calcification (default: every located finding)",
    )
    p.add_argument(
        "--max-lesion-px",
        type=int,
        help=f"skip lesion boxes larger than this (default {d.max_lesion_px}, 0 = no limit)",
    )
    p.add_argument(
        "--lesion-shape",
        choices=("square", "stretch"),
        help="square: pad the box to a square around its centre (default); stretch: resize the "
        "box as is (the seed)",
    )
    p.add_argument(
        "--box-ends",
        choices=("exclusive", "inclusive"),
        help="exclusive: boxes are pixel edges (default); inclusive: x2, y2 are the lesion's "
        "last pixels, one more each way (the seed's reading of OPTIMAM's X2, Y2)",
    )
    p.add_argument(
        "--scale",
        choices=("box", "fixed"),
        help="box: the lesion box fills the patch (default); fixed: --mm-per-px",
    )
    p.add_argument(
        "--mm-per-px",
        type=float,
        help="with --scale fixed: patch resolution, e.g. 0.2 (128 px = 25.6 mm)",
    )
    p.add_argument(
        "--margin",
        type=float,
        help=f"context around the lesion box, fraction of its side (default {d.margin})",
    )
    p.add_argument(
        "--lesion-border",
        choices=("shift", "pad"),
        help="a lesion window past the image border: shift it inside the image (default; padded "
        "only where it is longer than the image) or keep it centred and pad (--pad)",
    )
    p.add_argument(
        "--pad",
        choices=("constant", "reflect"),
        help="padding past the image border: black (default) or mirrored",
    )
    p.add_argument(
        "--normal-margin",
        type=float,
        help=f"pixels kept between normal patches and finding boxes (default {d.normal_margin_px})",
    )
    p.add_argument(
        "--normal-overlap",
        action=argparse.BooleanOptionalAction,
        help="normal patches may overlap each other (the seed; default: they do not)",
    )
    p.add_argument(
        "--normal-draw",
        choices=("bounds", "image"),
        help="draw normal-patch candidates inside the breast's bounding box (default) or over "
        "the whole image (the seed)",
    )
    p.add_argument(
        "--grey-levels-rule",
        choices=("normal", "both"),
        help=f"drop patches with fewer than {d.min_grey_levels} grey levels: normal patches only "
        "(default, the seed) or lesion patches too",
    )
    p.add_argument(
        "--mask",
        choices=("auto", "threshold"),
        help="breast mask: auto (default) chooses the threshold from each image's histogram and "
        "cuts film labels and scanner strips off the breast, on film and digital images alike; "
        "threshold: pixels above --mask-threshold (the seed's > 0 with --mask threshold)",
    )
    p.add_argument(
        "--mask-threshold",
        type=float,
        help=f"a manual breast threshold in raw values, implies --mask threshold (default "
        f"{d.mask_threshold:g}: the seed's > 0)",
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
    given = {  # flags not given are None: the preset decides
        "normalise": args.normalise,
        "max_lesion_px": args.max_lesion_px,
        "lesion_shape": args.lesion_shape,
        "box_ends": args.box_ends,
        "scale": args.scale,
        "mm_per_px": args.mm_per_px,
        "margin": args.margin,
        "lesion_border": args.lesion_border,
        "pad": args.pad,
        "normal_per_image": args.normal_per_image,
        "normal_margin_px": args.normal_margin,
        "normal_overlap": args.normal_overlap,
        "normal_draw": args.normal_draw,
        "grey_levels_rule": args.grey_levels_rule,
        "mask": args.mask or ("threshold" if args.mask_threshold is not None else None),
        "mask_threshold": args.mask_threshold,
    }
    if args.mask == "auto" and args.mask_threshold is not None:
        raise InputError("--mask-threshold is a manual threshold: use it with --mask threshold")
    params = ExtractParams.preset(
        args.preset,
        **{k: v for k, v in given.items() if v is not None},
        lesion_types=lesion_types(args.lesion_types) or (),
        seed=args.seed,
        uint16=args.uint16,
    )
    shard = parse_shard(args.shard)
    with Workspace.open(require_workspace(args)) as ws:
        for event in extract_patches(
            ws, params, control, workers=args.workers, shard=shard, redo=args.redo
        ):
            yield _with_status(event, args) if isinstance(event, Finished) else event


def _with_status(finished: Finished, args: argparse.Namespace) -> Finished:
    """`status` as train reports it; a stopped extraction resumes by running the same command
    again (without --redo, which would discard what was extracted)."""
    stopped = finished.summary["stopped"]
    extra = {"status": "stopped" if stopped else "finished"}
    if stopped:
        extra["resume_command"] = rerun_command(args, drop=("--redo",))
    return Finished({**finished.summary, **extra})
