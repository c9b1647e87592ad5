"""One metric over training: a line per run and kind of evaluation (reports, and the checks
training made to choose 'best'), against steps or epochs, the real-vs-real floor dashed."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mammogan_core.palette import cycle_colour

from .evaluations import CHECK, METRICS, Evaluation


class MetricPlot(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.evaluations: list[Evaluation] = []
        self.metric_box = QComboBox()
        for name, title in METRICS.items():
            self.metric_box.addItem(title, name)
        self.metric_box.setCurrentIndex(list(METRICS).index("kid"))
        self.axis = QComboBox()
        self.axis.addItems(["step", "epoch"])
        self.plot = pg.PlotWidget(background="w")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        for side in ("left", "bottom"):
            self.plot.getAxis(side).setTextPen("#222")
            self.plot.getAxis(side).setPen("#666")
        self.legend = self.plot.addLegend(offset=(-8, 8), labelTextColor="#222")
        self.legend.setBrush(pg.mkBrush(255, 255, 255, 200))
        row = QHBoxLayout()
        row.addWidget(QLabel("Metric:"))
        row.addWidget(self.metric_box)
        row.addWidget(QLabel("against"))
        row.addWidget(self.axis)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row)
        lay.addWidget(self.plot, 1)
        self.metric_box.currentIndexChanged.connect(lambda _i: self.redraw())
        self.axis.currentIndexChanged.connect(lambda _i: self.redraw())

    def show_evaluations(self, evaluations: list[Evaluation]) -> None:
        self.evaluations = evaluations
        self.redraw()

    def series(self) -> dict[str, list[Evaluation]]:
        """Evaluations with the chosen metric, per line (run and kind), in step order."""
        name = self.metric_box.currentData()
        lines: dict[str, list[Evaluation]] = {}
        for ev in sorted(self.evaluations, key=lambda e: e.step):
            if ev.values.get(name) is not None:
                kind = "checks" if ev.purpose == CHECK else "reports"
                lines.setdefault(f"{ev.run} ({kind})", []).append(ev)
        return lines

    def redraw(self) -> None:
        self.plot.clear()
        self.legend.clear()
        name, by_epoch = self.metric_box.currentData(), self.axis.currentText() == "epoch"
        self.plot.setLabel("left", self.metric_box.currentText(), color="#222")
        self.plot.setLabel("bottom", self.axis.currentText(), color="#222")
        for i, (label, evs) in enumerate(self.series().items()):
            colour = cycle_colour(i)
            x = np.array([(e.epoch or 0.0) if by_epoch else e.step for e in evs], float)
            y = np.array([e.shown(name) for e in evs], float)
            self.plot.plot(
                x,
                y,
                pen=pg.mkPen(colour, width=2),
                symbol="o",
                symbolSize=7,
                symbolBrush=colour,
                symbolPen=colour,
                name=label,
            )
            floor = np.array([e.floor(name) for e in evs], dtype=object)
            has = np.array([f is not None for f in floor])
            if has.any():
                self.plot.plot(
                    x[has],
                    floor[has].astype(float),
                    symbol="t",
                    symbolSize=6,
                    pen=pg.mkPen(colour, width=1, style=pg.QtCore.Qt.PenStyle.DashLine),
                    symbolBrush=colour,
                    name=f"{label}: real-vs-real floor",
                )
