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
HELP = (
    "list the training runs of a workspace (status, preset, epochs, step, best metric); --all "
    "adds the augmentation studies' generators, marked as the study's"
)
ORDER = 55

COLUMNS = ("id", "status", "preset", "epochs", "step", "created", "best", "warnings")


WARNING_WIDTH = 40  # the table's last column; --verbose prints each warning whole


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--verbose", action="store_true", help="print each run's warnings whole, under its row"
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="also the generators the augmentation studies trained (kept in their study "
        "folders; never a default run of export or review)",
    )


def run(args: argparse.Namespace, control: Control) -> Iterator[Event]:
    from ...experiment.store import study_generators
    from ...workspace_info import run_rows

    with Workspace.open(require_workspace(args, fall_back=True)) as ws:
        summary: dict[str, Any] = {
            "runs": run_rows(ws, include_study=args.all),
            "verbose": args.verbose,
        }
        if args.all:
            summary["study_generators"] = study_generators(ws)
        yield Finished(summary)


def best_text(best: dict[str, Any] | None) -> str:
    if not best:
        return "-"
    return f"{best['metric']}={best['value']:.4g} (step {best['step']})"


def short_warnings(warnings: list[str]) -> str:
    """The first warning cut at a word to fit the column, and how many more there are."""
    if not warnings:
        return "-"
    first = str(warnings[0])
    if len(first) > WARNING_WIDTH:
        first = first[: WARNING_WIDTH - 1].rsplit(" ", 1)[0].rstrip(",:;.") + "…"
    return first + (f" (+{len(warnings) - 1} more)" if len(warnings) > 1 else "")


def format_text(summary: dict[str, Any]) -> str:
    runs = summary["runs"]
    studies = summary.get("study_generators")
    text = (
        _runs_text(runs, bool(summary.get("verbose")))
        if runs
        else "no training runs yet (mammogan train --workspace ...)\n"
    )
    if studies is not None:
        text += f"\n{len(studies)} generators of augmentation studies (not workspace runs):\n"
        text += "".join(
            f"  {g['id']}  study {g['study']}, fold {g['fold']}, k {g['k']}: "
            f"{g['real_lesions']} real lesions, {g['steps']} steps of {g['preset']}\n"
            for g in studies
        )
    return text


def _runs_text(runs: list[dict[str, Any]], verbose: bool) -> str:
    rows = [COLUMNS] + [
        (
            r["id"],
            r["status"],
            r["preset"] or "-",
            str(r["epochs"] if r["epochs"] is not None else "-"),
            str(r["step"]),
            r["created_at"],
            best_text(r["best"]),
            (f"[study {r['study']}'s fold generator] " if r.get("study") else "")
            + short_warnings(r["warnings"]),
        )
        for r in runs
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS) - 1)]
    lines = []
    for row, run in zip(rows, [None, *runs]):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + f"  {row[-1]}\n")
        if run is not None and verbose:
            lines += [f"    warning: {w}\n" for w in run["warnings"]]
    if not verbose and any(r["warnings"] for r in runs):
        lines.append("(mammogan runs --verbose prints the warnings whole)\n")
    return "".join(lines)
