"""Which runs a user may pick as a generator, and the default: one rule for the CLI and the app."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from mammogan_core.training import runs
from mammogan_core.training.config import TrainConfig
from mammogan_core.training.run_choice import default_run, pickable_runs
from mammogan_core.workspace import Workspace


def add_run(
    ws: Workspace,
    run_id: str,
    status: str,
    checkpoint: bool = True,
    preset: str = "cpu",
    grid_steps: tuple[int, ...] = (),
    best: float | None = None,
) -> None:
    config = {**TrainConfig().to_dict(), "preset": preset, "epochs": 7}
    runs.start_run(ws, run_id, {"train": config}, fresh=True)
    runs.set_status(ws, run_id, status)
    folder = ws.runs_dir / run_id
    if checkpoint:
        (folder / "checkpoints").mkdir(parents=True, exist_ok=True)
        (folder / "checkpoints" / "ckpt_step000000010.pt").write_bytes(b"weights")
    if best is not None:
        record = {"best": {"metric": "kid", "value": best, "step": 10}}
        (folder / "checkpoints" / "checkpoints.json").write_text(json.dumps(record))
    (folder / "samples").mkdir(exist_ok=True)
    for step in grid_steps:
        pixels = np.full((16, 16), step % 256, np.uint8)
        Image.fromarray(pixels).save(folder / "samples" / f"fake_step{step:09d}.png")


def test_runs_with_a_checkpoint_are_offered_newest_first_and_the_default_is_the_newest_finished(
    tmp_path: Path,
) -> None:
    with Workspace.create(tmp_path / "ws") as ws:
        assert pickable_runs(ws) == [] and default_run(ws) is None
        add_run(ws, "run-1", "finished", grid_steps=(10, 200, 30), best=2.5)
        add_run(ws, "run-2", "finished", checkpoint=False)  # nothing to draw from
        add_run(ws, "run-3", "stopped", preset="small-data")
        ws.conn.execute("UPDATE runs SET created_at='2000-01-01' WHERE id='run-1'")
        ws.conn.execute("UPDATE runs SET created_at='2000-01-02' WHERE id='run-2'")
        ws.conn.execute("UPDATE runs SET created_at='2000-01-03' WHERE id='run-3'")
        ws.conn.commit()

        offered = pickable_runs(ws)
        assert [r.id for r in offered] == ["run-3", "run-1"]
        newest, older = offered
        assert (newest.preset, newest.epochs, newest.status, newest.best) == (
            "small-data",
            7,
            "stopped",
            None,
        )
        assert older.best == {"metric": "kid", "value": 2.5, "step": 10}
        assert older.grid is not None and older.grid.name == "fake_step000000200.png"
        assert older.label == "run-1 (cpu, 7 epochs, finished, best kid 2.5)"
        # a stopped run is offered, but is never taken without being named
        assert default_run(ws) == "run-1"


def test_the_export_and_review_default_is_the_same_rule(tmp_path: Path) -> None:
    from mammogan_core.export import best_run

    with Workspace.create(tmp_path / "ws") as ws:
        add_run(ws, "run-1", "finished")
        add_run(ws, "run-2", "interrupted")
        assert best_run(ws) == default_run(ws) == "run-1"
