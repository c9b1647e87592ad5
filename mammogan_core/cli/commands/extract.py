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
        "one machine; a workspace open for writing on another host is refused: give --out)",
    )
    p.add_argument(
        "--out",
        metavar="SHARD_DIR",
        help="with --shard: write a shard workspace of its own there (the node's local disk), "
        "made from --workspace's catalogue, which is only read; fold it in afterwards with "
        "`mammogan merge --workspace WS SHARD_DIR...`",
    )
    p.add_argument(
        "--redo",
        action="store_true",
        help="discard the patches of the images extracted before (of the shard) and start again",
    )
    settings.add_arguments(p, ExtractParams)


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ... import settings
    from ...errors import InputError
    from ...events import Log
    from ...extraction import ExtractParams, ExtractRun, extract_patches, parse_shard
    from ...extraction.executors import require_dask
    from ...workspace.shards import open_shard

    how = settings.from_args(args, ExtractRun())
    if hasattr(args, "mask_threshold") and not hasattr(args, "mask"):
        args.mask = "threshold"  # a manual threshold is the threshold mask
    params = settings.from_args(args, ExtractParams.preset(how.preset))
    shard = parse_shard(args.shard)
    main = require_workspace(args)
    if args.out and shard is None:
        raise InputError("--out needs --shard i/n")
    if how.executor == "dask":
        require_dask()  # before a shard workspace is made
    with open_shard(main, args.out, shard) if args.out else Workspace.open(main) as ws:
        if args.out:
            yield Log(
                f"shard workspace {ws.root}; when every shard is done: "
                f"mammogan merge --workspace {main} SHARD_DIR..."
            )
        # a stopped extraction resumes by running the same command again (without --redo,
        # which would discard what was extracted)
        yield from resumable(
            extract_patches(
                ws,
                params,
                control,
                workers=how.workers,
                shard=shard,
                redo=args.redo,
                executor=how.executor,
                scheduler=how.scheduler,
            ),
            args,
            drop=("--redo",),
        )
