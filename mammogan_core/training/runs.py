"""Run folders and their catalogue rows (`runs`, `metrics`), written in transactions."""

from __future__ import annotations

import json
import platform
import re
import shlex
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import atomic_write_json
from ..errors import InputError
from ..events import StepMetrics
from ..workspace import Workspace
from ..workspace.catalogue import utc_now
from .config import TrainConfig
from .owner import is_alive, is_other_live_process

CKPT_RE = re.compile(r"^ckpt_step(\d+)\.pt$")


def ckpt_name(step: int) -> str:
    return f"ckpt_step{step:09d}.pt"


def versions() -> dict[str, str]:
    import numpy
    import torch

    return {
        "mammogan": __version__,
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "python": platform.python_version(),
        "cuda": str(torch.version.cuda),
    }


def new_run_id(ws: Workspace, preset: str) -> str:
    base = f"train-{datetime.now().strftime('%Y%m%d-%H%M%S')}-{preset}"
    run_id, n = base, 1
    while (ws.runs_dir / run_id).exists() or ws.query("SELECT 1 FROM runs WHERE id=?", (run_id,)):
        n += 1
        run_id = f"{base}-{n}"
    return run_id


def run_dir(ws: Workspace, run_id: str) -> Path:
    """The folder of an existing training run, or InputError."""
    if not run_id or "/" in run_id or "\\" in run_id or run_id.startswith("."):
        raise InputError(f"invalid run name {run_id!r}")
    folder = ws.runs_dir / run_id
    if not (folder / "config.json").is_file():
        known = [
            r["id"] for r in ws.query("SELECT id FROM runs WHERE kind='train' ORDER BY created_at")
        ]
        raise InputError(
            f"no training run {run_id!r} in this workspace (runs: {', '.join(known) or 'none'})",
            folder,
        )
    return folder


def read_run_config(ws: Workspace, run_id: str) -> dict[str, Any]:
    path = run_dir(ws, run_id) / "config.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"the run's config.json cannot be read ({exc})", path) from None


def stored_train_config(ws: Workspace, run_id: str) -> TrainConfig:
    # a record: a key of a newer version is skipped, a missing one (an older run) is defaulted
    return TrainConfig.from_dict(read_run_config(ws, run_id)["train"], strict=False)


def write_run_config(folder: Path, info: dict[str, Any]) -> None:
    atomic_write_json(folder / "config.json", info)


def start_run(ws: Workspace, run_id: str, info: dict[str, Any], fresh: bool) -> None:
    """Write config.json and mark the run 'running' (a new row for a fresh run)."""
    folder = ws.runs_dir / run_id
    folder.mkdir(parents=True, exist_ok=True)
    write_run_config(folder, info)
    now = utc_now()
    with ws.transaction() as conn:
        if fresh:
            conn.execute(
                "INSERT INTO runs(id, kind, status, config, created_at, updated_at, step) "
                "VALUES (?, 'train', 'running', ?, ?, ?, 0)",
                (run_id, json.dumps(info["train"], sort_keys=True), now, now),
            )
        else:
            conn.execute(
                "UPDATE runs SET status='running', config=?, updated_at=? WHERE id=?",
                (json.dumps(info["train"], sort_keys=True), now, run_id),
            )


def drop_metrics_after(ws: Workspace, run_id: str, step: int) -> None:
    """Metric rows a killed process stored past its last checkpoint (none, normally)."""
    with ws.transaction() as conn:
        conn.execute("DELETE FROM metrics WHERE run_id=? AND step>?", (run_id, step))


def update_run(
    ws: Workspace,
    run_id: str,
    step: int,
    status: str | None = None,
    metrics: list[tuple[str, float, int]] = (),
) -> None:
    """The run's step (and status), plus buffered metric rows, in one transaction."""
    with ws.transaction() as conn:
        conn.execute(
            "UPDATE runs SET step=?, updated_at=?"
            + (", status=?" if status else "")
            + " WHERE id=?",
            (step, utc_now(), *([status] if status else []), run_id),
        )
        conn.executemany(
            "INSERT INTO metrics(run_id, name, value, step) VALUES (?, ?, ?, ?)",
            [(run_id, n, v, s) for n, v, s in metrics],
        )


def set_status(ws: Workspace, run_id: str, status: str) -> None:
    with ws.transaction() as conn:
        conn.execute(
            "UPDATE runs SET status=?, updated_at=? WHERE id=?", (status, utc_now(), run_id)
        )


def list_runs(ws: Workspace, include_study: bool = False) -> list[dict[str, Any]]:
    """Training runs, oldest first: id, status, step, created_at, updated_at, config (the
    TrainConfig dict), warnings (a list of strings). A 'running' run whose process is gone has
    status 'interrupted'. Every listing and "default run" rule (export, review, the demo) sees
    the workspace's own runs only: an augmentation study's generators are kept in its folder,
    and the fold generators that older studies trained as runs are left out unless
    `include_study` (then their 'study' names the study)."""
    from ..experiment.store import legacy_generator_runs

    rows = ws.query(
        "SELECT id, status, step, created_at, updated_at, config, warnings FROM runs "
        "WHERE kind='train' ORDER BY created_at, id"
    )
    studies = legacy_generator_runs(ws)
    out = [
        {
            **dict(r),
            "config": json.loads(r["config"] or "{}"),
            "warnings": json.loads(r["warnings"] or "[]"),
            **({"study": studies[r["id"]]} if r["id"] in studies else {}),
        }
        for r in rows
        if include_study or r["id"] not in studies
    ]
    for run in out:
        if run["status"] == "running" and is_alive(_owner(ws, run["id"])) is False:
            run["status"] = "interrupted"
    return out


def _owner(ws: Workspace, run_id: str) -> dict[str, Any] | None:
    try:
        return json.loads((ws.runs_dir / run_id / "config.json").read_text()).get("process")
    except (OSError, ValueError, AttributeError):
        return None


def refuse_if_trained_elsewhere(ws: Workspace, run_id: str) -> None:
    """InputError when another live process of this host is training the run."""
    row = ws.query("SELECT status FROM runs WHERE id=?", (run_id,))
    owner = _owner(ws, run_id) or {}
    if row and row[0]["status"] == "running" and is_other_live_process(owner):
        raise InputError(
            f"run {run_id} is being trained by process {owner['pid']} on {owner['host']}; "
            "stop it before resuming",
            ws.runs_dir / run_id,
        )


def find_checkpoint(ws: Workspace, run_id: str, which: str = "best") -> Path:
    """'best' | 'last' | a step number -> the checkpoint file of a run."""
    folder = run_dir(ws, run_id) / "checkpoints"
    steps = sorted(
        int(m.group(1)) for p in folder.glob("ckpt_step*.pt") if (m := CKPT_RE.match(p.name))
    )
    if which == "best" and (folder / "best.pt").is_file():
        return folder / "best.pt"
    if which in ("best", "last"):
        if not steps:
            raise InputError("the run has no checkpoint yet", folder)
        return folder / ckpt_name(steps[-1])
    try:
        step = int(which)
    except ValueError:
        raise InputError(
            f"--checkpoint must be best, last or a step number, not {which!r}"
        ) from None
    if step not in steps:
        raise InputError(f"no checkpoint at step {step} (kept: {steps or 'none'})", folder)
    return folder / ckpt_name(step)


def run_history(ws: Workspace, run_id: str) -> list[StepMetrics]:
    """A run's recorded metrics as StepMetrics, in step order (for curves of a past run)."""
    by_step: dict[int, dict[str, float]] = {}
    for r in ws.query(
        "SELECT step, name, value FROM metrics WHERE run_id=? AND step IS NOT NULL ORDER BY step",
        (run_id,),
    ):
        by_step.setdefault(int(r["step"]), {})[r["name"]] = float(r["value"])
    spe = steps_per_epoch(ws, run_id)
    return [StepMetrics(step, (step - 1) // spe if spe else 0, v) for step, v in by_step.items()]


def steps_per_epoch(ws: Workspace, run_id: str) -> int:
    try:
        return int(read_run_config(ws, run_id).get("steps_per_epoch") or 0)
    except InputError:  # a damaged config.json: epochs are shown as 0
        return 0


def add_warning(ws: Workspace, run_id: str, text: str) -> None:
    """Append a warning to the run's record (`runs.warnings`, a JSON list of strings)."""
    with ws.transaction() as conn:
        row = conn.execute("SELECT warnings FROM runs WHERE id=?", (run_id,)).fetchone()
        listed = json.loads(row[0] or "[]") if row else []
        conn.execute(
            "UPDATE runs SET warnings=?, updated_at=? WHERE id=?",
            (json.dumps([*listed, text]), utc_now(), run_id),
        )


def resume_command(ws: Workspace, run_id: str) -> str:
    """The command line that continues a stopped or interrupted run."""
    return shlex.join(["mammogan", "train", "--workspace", str(ws.root), "--resume", run_id])


def unfinished_twins(ws: Workspace, config: TrainConfig) -> list[dict[str, Any]]:
    """Stopped or interrupted runs with the same schedule as `config` (newest first)."""
    twins = []
    for run in reversed(list_runs(ws)):
        if run["status"] not in ("stopped", "interrupted"):
            continue
        try:
            same = TrainConfig.from_dict(run["config"]).schedule_hash() == config.schedule_hash()
        except (InputError, TypeError):  # a config of another version: not comparable
            same = False
        if same:
            twins.append(run)
    return twins
