"""The workspace's stored evaluations as rows to show: the `metrics` table's values with
provenance, grouped per evaluation (one report, or one best-checkpoint check during training),
with each figure's interval and real-vs-real floor read from the evaluation's report. Names,
labels and units come from the metrics registry."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mammogan_core.metrics.registry import LEGACY, spec
from mammogan_core.metrics.registry import METRICS as SPECS
from mammogan_core.metrics.store import stored_evaluations
from mammogan_core.training.runs import list_runs, steps_per_epoch
from mammogan_core.workspace import Workspace

COPIES = "memorised"  # the suspected copies' count, stored beside the figures
# name -> column title: the registry's figures shown in the table, then the copies
SHOWN = ("fid", "kid", "precision", "recall", "diversity", "radiomics_fd", "nn_accuracy")
METRICS = {**{m.name: m.label for m in SPECS if m.name in SHOWN}, COPIES: "Copies"}
CHECK = "best checkpoint"  # the `purpose` of the checks training makes


@dataclass
class Evaluation:
    run: str
    step: int
    epoch: float | None  # None when the run does not say its steps per epoch
    purpose: str  # "evaluation" | CHECK
    details: dict[str, Any]
    values: dict[str, float] = field(default_factory=dict)  # as stored (unscaled)
    estimates: dict[str, dict[str, Any]] = field(default_factory=dict)  # report.json's metrics
    report_dir: Path | None = None

    def shown(self, name: str) -> float | None:
        """The figure in its label's unit (KID x 10³)."""
        if name == COPIES:
            return self.values.get(name)
        return spec(name).shown(self.values.get(name))

    def floor(self, name: str) -> float | None:
        return (self.estimates.get(name) or {}).get("floor")


def read_report(folder: Path | None) -> dict[str, Any] | None:
    """An evaluation's report.json; None when there is none (or it is damaged)."""
    if folder is None:
        return None
    try:
        data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def load_evaluations(ws: Workspace) -> list[Evaluation]:
    """Every run's evaluations, runs oldest first, each run's in the order they were made."""
    out: list[Evaluation] = []
    for run in list_runs(ws):
        per_epoch = steps_per_epoch(ws, run["id"])
        groups: dict[str, Evaluation] = {}
        for row in stored_evaluations(ws, run["id"]):
            details, step = row["details"], int(row["step"] or 0)
            key = f"{step}:{json.dumps(details, sort_keys=True)}"
            ev = groups.get(key)
            if ev is None:
                folder = ws.root / details["report_dir"] if details.get("report_dir") else None
                report = read_report(folder) or {}
                ev = groups[key] = Evaluation(
                    run["id"],
                    step,
                    step / per_epoch if per_epoch else None,
                    details.get("purpose", "evaluation"),
                    details,
                    estimates=report.get("metrics") or {},
                    report_dir=folder,
                )
            # earlier versions stored KID as kid_mean and the radiomics FD as frd
            ev.values[LEGACY.get(row["name"], row["name"])] = float(row["value"])
        out += groups.values()
    return out


def provenance_text(ev: Evaluation) -> str:
    """The evaluation's provenance in lines, for a tooltip."""
    d = ev.details
    spaces = d.get("feature_spaces") or {"features": d}
    lines = [
        f"{ev.run}, step {ev.step:,}" + (f" (epoch {ev.epoch:.3g})" if ev.epoch else ""),
        f"{'Best-checkpoint check during training' if ev.purpose == CHECK else 'Evaluation'}",
        f"Samples: {d.get('n_fake', '?')} synthetic against {d.get('n_real', '?')} real, "
        f"seed {d.get('seed', '?')}",
    ]
    reference = d.get("reference")
    if isinstance(reference, dict):
        reference = reference.get("selection")
    if reference:
        lines.append(f"Reference: {reference}")
    if d.get("checkpoint"):
        lines.append(f"Checkpoint: {d['checkpoint']}")
    for name, space in spaces.items():
        if isinstance(space, dict) and space.get("extractor"):
            sha = str(space.get("weights_sha256", ""))[:12]
            lines.append(f"{name}: {space['extractor']} (weights sha256 {sha}…)")
            if space.get("custom_weights"):
                lines.append(f"FID: {space['custom_weights']}")
    if ev.report_dir is not None:
        lines.append(f"Report: {ev.report_dir}")
    return "\n".join(lines)
