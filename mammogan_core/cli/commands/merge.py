"""`mammogan merge`: fold shard workspaces (`extract --shard i/n --out DIR`) into the workspace."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from ...control import Control
from ...events import Event
from ...workspace import Workspace
from ..main import require_workspace, resumable

NAME = "merge"
HELP = (
    "merge shard workspaces made by `extract --shard i/n --out DIR` into the workspace "
    "(idempotent, resumable; a shard with other extraction settings is refused)"
)
ORDER = 32


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("shards", nargs="+", metavar="SHARD_DIR", help="the shard workspaces")


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...workspace.merge import merge_shards

    with Workspace.open(require_workspace(args)) as ws:
        # a stopped merge continues where it stopped when run again
        yield from resumable(merge_shards(ws, args.shards, control), args)
