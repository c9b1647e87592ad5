"""`mammogan runs`: the training runs of a workspace, newest first."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any

from ...control import Control
from ...events import Event, Finished
from ...workspace import Workspace
from ..main import require_workspace

NAME = "runs"
HELP = "list the training runs of a workspace (status, preset, epochs, step, best metric)"
ORDER = 55

COLUMNS = ("id", "status", "preset", "epochs", "step", "created", "best", "warnings")


def add_arguments(p: argparse.ArgumentParser) -> None:
    pass  # the common options only


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...workspace_info import run_rows

    with Workspace.open(require_workspace(args)) as ws:
        yield Finished({"runs": run_rows(ws)})


def best_text(best: dict[str, Any] | None) -> str:
    if not best:
        return "-"
    return f"{best['metric']}={best['value']:.4g} (step {best['step']})"


def format_text(summary: dict[str, Any]) -> str:
    runs = summary["runs"]
    if not runs:
        return "no training runs yet (mammogan train --workspace ...)\n"
    rows = [COLUMNS] + [
        (
            r["id"],
            r["status"],
            r["preset"] or "-",
            str(r["epochs"] if r["epochs"] is not None else "-"),
            str(r["step"]),
            r["created_at"],
            best_text(r["best"]),
            "; ".join(str(w) for w in r["warnings"]) or "-",
        )
        for r in runs
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS) - 1)]
    return "".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + f"  {row[-1]}\n" for row in rows
    )
