"""What a workspace holds, for `mammogan info` and `mammogan runs`: the counts and runs the
GUI's Data and Train panels show, read from the catalogue and the run folders (no torch)."""

from __future__ import annotations

import json
from typing import Any

from .catalogue_queries import dataset_overview
from .training.run_choice import best_checkpoint
from .training.runs import list_runs
from .workspace import Workspace


def _json_list(text: str | None) -> list[Any]:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return [text]  # not JSON: show what was stored rather than nothing
    return value if isinstance(value, list) else [value]


def run_rows(ws: Workspace, include_study: bool = False) -> list[dict[str, Any]]:
    """Training runs, newest first: id, status, preset, epochs, step, created_at, best (see
    best_checkpoint), warnings (a list) and study (the study whose generator it is, or None;
    such runs only with `include_study`)."""
    warnings = {
        r["id"]: _json_list(r["warnings"]) for r in ws.query("SELECT id, warnings FROM runs")
    }
    return [
        {
            "id": run["id"],
            "status": run["status"],
            "preset": run["config"].get("preset"),
            "epochs": run["config"].get("epochs"),
            "step": run["step"],
            "created_at": run["created_at"],
            "best": best_checkpoint(ws, run["id"]),
            "warnings": warnings.get(run["id"], []),
            "study": run.get("study"),
        }
        for run in reversed(list_runs(ws, include_study))
    ]


def workspace_info(ws: Workspace) -> dict[str, Any]:
    """Images, findings by type, patches by class and split, runs (status, step, best),
    and the numbers of exports and reviews."""
    counts = ws.counts()
    overview = dataset_overview(ws)
    one = ws.conn.execute
    return {
        "workspace": str(ws.root),
        "images": counts["images"],
        "findings": counts["findings"],
        "findings_by_type": overview["findings_by_type"],
        "lesion_patches": counts["lesion_patches"],
        "normal_patches": counts["normal_patches"],
        "patches_by_split": overview["patches_by_split"],
        "runs": [
            {k: run[k] for k in ("id", "status", "preset", "step", "best")} for run in run_rows(ws)
        ],
        "exports": one("SELECT COUNT(*) FROM exports").fetchone()[0],
        "reviews": one("SELECT COUNT(*) FROM reviews").fetchone()[0],
    }
