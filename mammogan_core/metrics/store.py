"""Metric values in the workspace's `metrics` table, each with its provenance in `details`
(feature extractor and weights sha256, sample counts, reference set, checkpoint, seed): FID
values are not comparable across pipelines without them."""

from __future__ import annotations

import json
from typing import Any

from ..workspace import Workspace


def store_metrics(
    ws: Workspace, run_id: str, step: int | None, values: dict[str, Any], details: dict[str, Any]
) -> None:
    rows = [
        (run_id, name, float(value), step, json.dumps(details, sort_keys=True))
        for name, value in values.items()
        if isinstance(value, (int, float)) and not isinstance(value, bool)
    ]
    with ws.transaction() as conn:
        conn.executemany(
            "INSERT INTO metrics(run_id, name, value, step, details) VALUES (?, ?, ?, ?, ?)", rows
        )


def stored_evaluations(ws: Workspace, run_id: str) -> list[dict[str, Any]]:
    """The run's evaluated metrics (rows with provenance), oldest first."""
    return [
        {**dict(r), "details": json.loads(r["details"])}
        for r in ws.query(
            "SELECT name, value, step, details FROM metrics "
            "WHERE run_id=? AND details IS NOT NULL ORDER BY id",
            (run_id,),
        )
    ]
