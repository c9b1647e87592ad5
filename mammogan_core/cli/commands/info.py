"""`mammogan info`: what a workspace holds (images, findings, patches, runs, exports, reviews)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from ...control import Control
from ...events import Event, Finished
from ...workspace import Workspace
from ..main import require_workspace
from .runs import best_text

NAME = "info"
HELP = "show what a workspace holds: images, findings by type, patches by split, runs"
ORDER = 50

SPLIT_ORDER = ("train", "val", "test", "none")


def add_arguments(p: argparse.ArgumentParser) -> None:
    pass  # the common options only


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...workspace_info import workspace_info

    with Workspace.open(require_workspace(args, fall_back=True)) as ws:
        yield Finished(workspace_info(ws))


def _counts(by_name: dict[str, int], order: tuple[str, ...] = ()) -> str:
    names = [n for n in order if n in by_name] + sorted(n for n in by_name if n not in order)
    return ", ".join(f"{n} {by_name[n]:,}" for n in names)


def format_text(s: dict[str, Any]) -> str:
    lines = [f"workspace: {s['workspace']}", f"images: {s['images']:,}"]
    by_type = _counts(s["findings_by_type"])
    lines.append(f"findings: {s['findings']:,}" + (f" ({by_type})" if by_type else ""))
    for label in ("lesion", "normal"):
        by_split = _counts(s["patches_by_split"].get(label, {}), SPLIT_ORDER)
        count = s[f"{label}_patches"]
        lines.append(f"{label} patches: {count:,}" + (f" ({by_split})" if by_split else ""))
    lines.append(f"runs: {len(s['runs'])}")
    lines += [
        f"  {r['id']}  {r['status']}  step {r['step']:,}  best {best_text(r['best'])}"
        for r in s["runs"]
    ]
    lines.append(f"exports: {s['exports']}, reviews: {s['reviews']}")
    return "\n".join(lines) + "\n"
