"""The live view of a training run: status line, curves and sample grids, fed with its events."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from mammogan_core.events import Event, SampleGrid, StepMetrics

from .curves import LiveCurves
from .grids import SampleGrids
from .status import TrainingStatus


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

    def show_event(self, ev: Event) -> None:
        self.status.show_event(ev)
        if isinstance(ev, StepMetrics):
            self.curves.append(ev)
        elif isinstance(ev, SampleGrid):
            self.grids.show_grid(ev)
