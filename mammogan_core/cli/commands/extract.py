"""`mammogan extract`: cut lesion and normal-tissue patches from the catalogued images."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from ...control import Control
from ...events import Event
from ...workspace import Workspace
from ..main import require_workspace, resumable

NAME = "extract"
HELP = "extract 128x128 lesion and normal-tissue patches (parallel, resumable, shardable)"
ORDER = 30


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ... import settings
    from ...extraction import ExtractParams, ExtractRun

    settings.add_arguments(p, ExtractRun)
    # CLI only: the Data panel runs every image and asks before it redoes an extraction
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
    settings.add_arguments(p, ExtractParams)


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ... import settings
    from ...extraction import ExtractParams, ExtractRun, extract_patches, parse_shard

    how = settings.from_args(args, ExtractRun())
    if hasattr(args, "mask_threshold") and not hasattr(args, "mask"):
        args.mask = "threshold"  # a manual threshold is the threshold mask
    params = settings.from_args(args, ExtractParams.preset(how.preset))
    shard = parse_shard(args.shard)
    with Workspace.open(require_workspace(args)) as ws:
        # a stopped extraction resumes by running the same command again (without --redo,
        # which would discard what was extracted)
        yield from resumable(
            extract_patches(ws, params, control, workers=how.workers, shard=shard, redo=args.redo),
            args,
            drop=("--redo",),
        )
