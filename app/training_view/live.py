"""The live view of a training run: status line, curves and sample grids, fed with its events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from mammogan_core.events import Event, SampleGrid, StepMetrics

from .curves import LiveCurves
from .grids import SampleGrids
from .status import TrainingStatus

if TYPE_CHECKING:
    from mammogan_core.workspace import Workspace


class LiveView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = TrainingStatus()
        self.curves = LiveCurves()
        self.grids = SampleGrids()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.curves)
        split.addWidget(self.grids)
        split.setSizes([300, 400])
        lay = QVBoxLayout(self)
        lay.addWidget(self.status)
        lay.addWidget(split, 1)

    def reset(self, run: str, epochs: int) -> None:
        self.curves.clear()
        self.grids.clear()
        self.status.reset(run, epochs)

    def show_past_run(self, ws: Workspace, run: dict[str, Any]) -> None:
        """A finished, stopped or interrupted run as it was last recorded: its curves from
        the catalogue, its last sample grids from its folder."""
        from mammogan_core.training.runs import run_history, steps_per_epoch

        epochs = int(run.get("config", {}).get("epochs") or 0)
        self.reset(run["id"], epochs)
        history = run_history(ws, run["id"])
        self.curves.load(history)
        samples = ws.runs_dir / run["id"] / "samples"
        fakes = sorted(samples.glob("fake_step*.png"))
        if fakes:
            self.grids.fake.set_image(QImage(str(fakes[-1])))
            step = int(fakes[-1].stem.removeprefix("fake_step"))
            self.grids.fake_caption.setText(f"<b>Generated</b> (fixed noise), step {step:,}")
        if (samples / "real.png").is_file():
            self.grids.real.set_image(QImage(str(samples / "real.png")))
        step = int(run.get("step") or 0)
        total = epochs * steps_per_epoch(ws, run["id"]) or step
        self.status.set_total(total, step)
        if history:
            self.status.set_value("Epoch", f"{history[-1].epoch + 1:,}")
        self.status.state.setText(
            f"Last run: {run['status']} at step {step:,}. Start a new run, or resume it from "
            "the Runs tab."
        )

    def show_event(self, ev: Event) -> None:
        self.status.show_event(ev)
        if isinstance(ev, StepMetrics):
            self.curves.append(ev)
        elif isinstance(ev, SampleGrid):
            self.grids.show_grid(ev)
