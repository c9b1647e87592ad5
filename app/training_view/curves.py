"""Live training curves: StepMetrics go into growable numpy buffers; a ~30 Hz timer redraws the
existing PlotDataItems with setData, only when new points arrived (never once per event)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QWidget

from mammogan_core.events import StepMetrics
from mammogan_core.palette import CURVE_COLOURS

from ..plot_title import LegendTitle

REDRAW_MS = 33
DOTS_BELOW = 30  # a short run's few points are drawn as dots too: one point draws no line

# plot title, y-axis label, y range (None = auto), [(metric key, legend name, colour)]
PLOTS = (
    (
        "Losses",
        "loss",
        None,
        [("loss_d", "D", CURVE_COLOURS["loss_d"]), ("loss_g", "G", CURVE_COLOURS["loss_g"])],
    ),
    # short names: the title and axis must fit a plot a few hundred pixels wide
    (
        "Discriminator",
        "mean D output",
        (0.0, 1.0),
        [("d_x", "real", CURVE_COLOURS["d_x"]), ("d_g_z", "fake", CURVE_COLOURS["d_g_z"])],
    ),
    # ADA: D's overfitting signal r_t = E[sign D(real)] and the augmentation probability p
    # it steers (1 with fixed DiffAugment, 0 without augmentation)
    (
        "Augmentation",
        "r_t, p",
        (-1.0, 1.0),
        [("r_t", "r_t", CURVE_COLOURS["r_t"]), ("aug_p", "p", CURVE_COLOURS["aug_p"])],
    ),
)


class MetricBuffer:
    """Rows of [step, value per key] in one float array that doubles when full (amortised O(1)
    appends; views of the filled part are handed to pyqtgraph without copies)."""

    def __init__(self, keys: Iterable[str], capacity: int = 1024) -> None:
        self.keys = list(keys)
        self._col = {k: i + 1 for i, k in enumerate(self.keys)}
        self._data = np.full((capacity, len(self.keys) + 1), np.nan)
        self.size = 0

    def append(self, step: float, values: dict[str, float]) -> None:
        if self.size == len(self._data):
            grown = np.full((2 * len(self._data), self._data.shape[1]), np.nan)
            grown[: self.size] = self._data
            self._data = grown
        row = self._data[self.size]
        row[0] = step
        for key, col in self._col.items():
            row[col] = values.get(key, np.nan)
        self.size += 1

    def clear(self) -> None:
        self.size = 0

    @property
    def steps(self) -> np.ndarray:
        return self._data[: self.size, 0]

    def column(self, key: str) -> np.ndarray:
        return self._data[: self.size, self._col[key]]


class LiveCurves(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buffer = MetricBuffer(key for *_, series in PLOTS for key, _n, _c in series)
        self.items: dict[str, pg.PlotDataItem] = {}
        self.plots: list[pg.PlotWidget] = []
        self.titles: list[LegendTitle] = []
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for title, y_label, y_range, series in PLOTS:
            plot = pg.PlotWidget(background="w")
            # The legend lives in the title: a legend box inside the plot hides the curves.
            legend = LegendTitle(plot)
            legend.set(f"<b>{title}</b>", [(name, colour) for _k, name, colour in series])
            self.titles.append(legend)
            plot.setLabel("bottom", "step", color="#222")
            plot.setLabel("left", y_label, color="#222")
            for axis in ("left", "bottom"):
                plot.getAxis(axis).setTextPen("#222")
                plot.getAxis(axis).setPen("#666")
            plot.showGrid(x=True, y=True, alpha=0.25)
            plot.showAxis("right")  # a frame, and room for the last step label
            plot.getAxis("right").setStyle(showValues=False)
            plot.getAxis("right").setPen("#666")
            # Long runs: draw only the visible part, peak-downsampled to the screen's pixels.
            plot.setClipToView(True)
            plot.setDownsampling(auto=True, mode="peak")
            if y_range:
                plot.setYRange(*y_range, padding=0.02)
            plot.getViewBox().setLimits(xMin=0)  # steps start at 0: no empty negative axis
            for key, name, colour in series:
                self.items[key] = plot.plot(
                    [],
                    [],
                    name=name,
                    pen=pg.mkPen(colour, width=2),
                    symbolSize=6,
                    symbolBrush=colour,
                    symbolPen=colour,
                    symbol=None,
                    connect="finite",
                )
                self.items[key].setToolTip(name)
            self.plots.append(plot)
            lay.addWidget(plot)
        self._dirty = False
        self.timer = QTimer(self)
        self.timer.setInterval(REDRAW_MS)
        self.timer.timeout.connect(self.redraw)

    def append(self, ev: StepMetrics) -> None:
        self.buffer.append(ev.step, ev.values)
        self._mark_dirty()

    def load(self, history: Iterable[StepMetrics]) -> None:
        """Earlier points of a run (`training.runs.run_history`), replacing all."""
        self.buffer.clear()
        for ev in history:
            self.buffer.append(ev.step, ev.values)
        self._mark_dirty()

    def clear(self) -> None:
        self.buffer.clear()
        self._mark_dirty()

    def _mark_dirty(self) -> None:
        self._dirty = True
        if not self.timer.isActive():
            self.timer.start()

    def redraw(self) -> None:
        if not self._dirty:
            self.timer.stop()  # idle until the next point: no wake-ups while nothing changes
            return
        self._dirty = False
        steps = self.buffer.steps
        symbol = "o" if len(steps) < DOTS_BELOW else None
        for key, item in self.items.items():
            if item.opts["symbol"] != symbol:
                item.setSymbol(symbol)
            values = self.buffer.column(key)
            if symbol:  # dots' bounds fail on NaN (a value some runs never report): drop them
                keep = np.isfinite(values)
                steps_kept, values = steps[keep], values[keep]
            else:  # a line breaks at a missing value instead of bridging it
                steps_kept = steps
            item.setData(steps_kept, values)
