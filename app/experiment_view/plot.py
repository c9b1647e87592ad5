"""The study's F1-against-k plot (the poster's figure): per mode, the mean F1 over folds as a
line with the fold spread (± one standard deviation) as error bars, and each fold's F1 as a
faint dot. It is redrawn with setData on the same items as cells finish."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

# the poster's four modes keep their colours whichever subset a study runs
MODE_COLOURS = {"ORG": "#1f77b4", "AugORG": "#ff7f0e", "GAN": "#2ca02c", "AugGAN": "#d62728"}
OTHER_COLOURS = ("#9467bd", "#8c564b", "#e377c2", "#7f7f7f")
DODGE = 0.012  # of the k range: each mode's points shift a little so error bars do not overlap


def mode_colour(mode: str, modes: Sequence[str]) -> str:
    others = [m for m in modes if m not in MODE_COLOURS]
    if mode in MODE_COLOURS:
        return MODE_COLOURS[mode]
    return OTHER_COLOURS[others.index(mode) % len(OTHER_COLOURS)]


class _ModeItems:
    """The line, error bars and fold dots of one mode."""

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


class F1Plot(QWidget):
    """`set_results(summary, cells)`: summary rows have `mode`, `k`, `f1_mean`, `f1_std`; cells have
    `mode`, `k`, `f1`. Modes without a point are hidden, not removed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setLabel("bottom", "real lesions in training (k)", color="#222")
        self.plot.setLabel("left", "F1 (lesion class)", color="#222")
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setTextPen("#222")
            self.plot.getAxis(axis).setPen("#666")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setYRange(0.0, 1.0, padding=0.04)  # points at 0 and 1 fully shown
        self.plot.getViewBox().setLimits(yMin=-0.05, yMax=1.05)
        self.modes: dict[str, _ModeItems] = {}
        self._title("")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot)

    def _title(self, keys: str) -> None:
        # the legend lives in the title, as in the training curves: a box inside hides points
        self.plot.setTitle(
            f"<b>F1 against k</b>&nbsp;&nbsp;&nbsp;{keys}", color="#222", size="10pt"
        )

    def set_results(self, summary: Iterable[Any], cells: Iterable[Any]) -> None:
        summary, cells = list(summary), list(cells)
        order = list(dict.fromkeys([*MODE_COLOURS, *(r.mode for r in summary)]))
        shown = [m for m in order if any(r.mode == m for r in summary)]
        ks = sorted({r.k for r in summary} | {c.k for c in cells})
        span = (ks[-1] - ks[0]) if len(ks) > 1 else max(ks[0] if ks else 1, 1)
        for i, mode in enumerate(shown):
            items = self.modes.get(mode)
            if items is None:
                items = self.modes[mode] = _ModeItems(self.plot, mode, mode_colour(mode, order))
            shift = (i - (len(shown) - 1) / 2) * DODGE * span
            rows = sorted((r for r in summary if r.mode == mode), key=lambda r: r.k)
            x = np.array([r.k for r in rows], float) + shift
            mean = np.array([r.f1_mean for r in rows], float)
            sd = np.nan_to_num(np.array([r.f1_std for r in rows], float))  # one fold: no spread
            items.line.setData(x, mean)
            items.bars.setData(x=x, y=mean, height=2 * sd)
            folds = [c for c in cells if c.mode == mode]
            items.dots.setData([c.k + shift for c in folds], [c.f1 for c in folds])
            items.set_visible(True)
        for mode, items in self.modes.items():
            if mode not in shown:
                items.set_visible(False)
        self._title(
            "&nbsp;&nbsp;".join(
                f"<span style='color:{mode_colour(m, order)}'>━━</span>&nbsp;{m}" for m in shown
            )
        )
        self.plot.getAxis("bottom").setTicks([[(k, str(k)) for k in ks]] if ks else None)
        if ks:
            self.plot.setXRange(ks[0] - 0.05 * span, ks[-1] + 0.05 * span, padding=0)
