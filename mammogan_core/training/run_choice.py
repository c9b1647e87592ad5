"""Which training runs a user may pick as a generator, and the one taken when none is named.

One rule for the CLI and the app: a run is offered when it is a training run of the workspace
(a study's own generators are not) with at least one checkpoint; the default is the newest
finished one. The app remembers a user's pick per workspace on top of this; the CLI always
names the run it used."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..workspace import Workspace
from .runs import list_runs

_GRID_RE = re.compile(r"fake_step(\d+)\.png$")


@dataclass(frozen=True)
class RunChoice:
    id: str
    status: str
    preset: str | None
    epochs: int | None
    step: int
    best: dict[str, Any] | None  # {metric, value, step} where training measured one
    grid: Path | None  # its newest sample grid, for a thumbnail

    @property
    def label(self) -> str:
        """One line for a list: the name and what a user compares runs by."""
        best = "" if not self.best else f", best {self.best['metric']} {self.best['value']:.4g}"
        epochs = "?" if self.epochs is None else self.epochs
        return f"{self.id} ({self.preset or '?'}, {epochs} epochs, {self.status}{best})"


def best_checkpoint(ws: Workspace, run_id: str) -> dict[str, Any] | None:
    """{metric, value, step} of the run's best checkpoint; None while no metric rated one."""
    path = ws.runs_dir / run_id / "checkpoints" / "checkpoints.json"
    try:
        best = json.loads(path.read_text(encoding="utf-8")).get("best")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(best, dict) or best.get("value") is None:
        return None
    return {"metric": best.get("metric"), "value": best["value"], "step": best.get("step")}


def _newest_grid(folder: Path) -> Path | None:
    grids = [
        (int(m.group(1)), p)
        for p in folder.glob("fake_step*.png")
        if (m := _GRID_RE.search(p.name))
    ]
    return max(grids)[1] if grids else None


def pickable_runs(ws: Workspace) -> list[RunChoice]:
    """The runs a generator can be taken from, newest first."""
    out = []
    for run in reversed(list_runs(ws)):
        folder = ws.runs_dir / run["id"]
        if not any((folder / "checkpoints").glob("*.pt")):
            continue
        out.append(
            RunChoice(
                id=str(run["id"]),
                status=run["status"],
                preset=run["config"].get("preset"),
                epochs=run["config"].get("epochs"),
                step=int(run["step"] or 0),
                best=best_checkpoint(ws, run["id"]),
                grid=_newest_grid(folder / "samples"),
            )
        )
    return out


def default_run(ws: Workspace) -> str | None:
    """The newest finished run with a checkpoint: what every command takes when none is named.
    Its checkpoint 'best' is best.pt where training kept one, else the last."""
    return next((r.id for r in pickable_runs(ws) if r.status == "finished"), None)
