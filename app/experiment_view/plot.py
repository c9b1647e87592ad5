"""The study's plots, as in its PNG: F1 (at the validation threshold), AP and AUC against k, one
panel each; per mode the mean over folds as a line with its 95% interval as error bars, and
each cell (fold x seed) as a faint dot, in the colours of mammogan_core.palette.
They are redrawn with setData on the same items as cells finish."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mammogan_core.experiment.plot import PANELS
from mammogan_core.palette import MODE_COLOURS, mode_colour

# the PNG's panel titles, short enough for a third of the panel's width
SHORT = {"f1": "F1", "ap": "Average precision", "auc": "ROC-AUC"}

DODGE = 0.012  # of the k range: each mode's points shift a little so error bars do not overlap


class _ModeItems:
    """The line, error bars and cell dots of one mode in one panel."""

    def __init__(self, plot: pg.PlotWidget, mode: str, colour: str) -> None:
        self.line = plot.plot(
            [],
            [],
            name=mode,
            pen=pg.mkPen(colour, width=2),
            symbol="o",
            symbolSize=8,
            symbolBrush=colour,
            symbolPen=colour,
        )
        self.bars = pg.ErrorBarItem(pen=pg.mkPen(colour, width=1.5), beam=0.0)
        plot.addItem(self.bars)
        faint = pg.mkColor(colour)
        faint.setAlpha(110)
        self.dots = pg.ScatterPlotItem(size=5, pen=pg.mkPen(None), brush=pg.mkBrush(faint))
        plot.addItem(self.dots)

    def set_visible(self, on: bool) -> None:
        for item in (self.line, self.bars, self.dots):
            item.setVisible(on)


class _Panel:
    def __init__(self, metric: str, title: str) -> None:
        self.metric, self.title = metric, title
        self.plot = pg.PlotWidget(background="w")
        self.plot.setLabel("bottom", "real lesions (k)", color="#222")
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setTextPen("#222")
            self.plot.getAxis(axis).setPen("#666")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setYRange(0.0, 1.0, padding=0.04)  # points at 0 and 1 fully shown
        self.plot.getViewBox().setLimits(yMin=-0.05, yMax=1.05)
        self.plot.setTitle(f"<b>{SHORT.get(metric, title)}</b>", color="#222", size="9pt")
        self.modes: dict[str, _ModeItems] = {}

    def show(
        self, summary: list[Any], cells: list[Any], shown: list[str], order: list[str]
    ) -> None:
        ks = sorted({r.k for r in summary} | {c.k for c in cells})
        span = (ks[-1] - ks[0]) if len(ks) > 1 else max(ks[0] if ks else 1, 1)
        for i, mode in enumerate(shown):
            items = self.modes.get(mode)
            if items is None:
                colour = mode_colour(mode, order)
                items = self.modes[mode] = _ModeItems(self.plot, mode, colour)
            shift = (i - (len(shown) - 1) / 2) * DODGE * span
            rows = [
                r
                for r in sorted(summary, key=lambda r: r.k)
                if r.mode == mode and getattr(r, self.metric).mean is not None
            ]
            x = np.array([r.k for r in rows], float) + shift
            mean = np.array([getattr(r, self.metric).mean for r in rows], float)
            ci = [getattr(r, self.metric).ci for r in rows]
            low = np.array([mean[j] - c[0] if c else 0.0 for j, c in enumerate(ci)], float)
            high = np.array([c[1] - mean[j] if c else 0.0 for j, c in enumerate(ci)], float)
            items.line.setData(x, mean)
            items.bars.setData(x=x, y=mean, top=high, bottom=low)
            dots = [c for c in cells if c.mode == mode and getattr(c, self.metric) is not None]
            items.dots.setData([c.k + shift for c in dots], [getattr(c, self.metric) for c in dots])
            items.set_visible(True)
        for mode, items in self.modes.items():
            if mode not in shown:
                items.set_visible(False)
        self.plot.getAxis("bottom").setTicks([[(k, str(k)) for k in ks]] if ks else None)
        if ks:
            self.plot.setXRange(ks[0] - 0.08 * span, ks[-1] + 0.08 * span, padding=0)


class MetricsPlot(QWidget):
    """`set_results(summary, cells)`: summary rows have `mode`, `k` and Estimates `f1`, `ap`,
    `auc` (`mean`, `ci`); cells have `mode`, `k`, `f1`, `ap`, `auc`. Modes without a point are
    hidden, not removed. The legend is a line above the panels (a box inside hides points)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.panels = {metric: _Panel(metric, title) for metric, title in PANELS}
        self.legend = QLabel()
        self.legend.setObjectName("experimentLegend")
        self.legend.setWordWrap(True)
        row = QHBoxLayout()
        for panel in self.panels.values():
            row.addWidget(panel.plot)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.legend)
        lay.addLayout(row, 1)

    def set_results(self, summary: Iterable[Any], cells: Iterable[Any]) -> None:
        summary, cells = list(summary), list(cells)
        order = list(dict.fromkeys([*MODE_COLOURS, *(r.mode for r in summary)]))
        shown = [m for m in order if any(r.mode == m for r in summary)]
        for panel in self.panels.values():
            panel.show(summary, cells, shown, order)
        self.legend.setText(
            "&nbsp;&nbsp;&nbsp;".join(
                f"<span style='color:{mode_colour(m, order)}'>━━</span>&nbsp;{m}" for m in shown
            )
            + (
                "&nbsp;&nbsp;&nbsp;(F1 at the validation threshold; mean over folds, 95% "
                "interval; dots: cells)"
                if shown
                else ""
            )
        )
