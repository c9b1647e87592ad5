"""A plot's title that carries its legend (a legend box inside a small plot hides the data): on
one line where the plot is wide enough, the keys on a line of their own where it is not, so no
key is cut at a narrow window."""

from __future__ import annotations

import pyqtgraph as pg

TITLE_STYLE = {"color": "#222", "size": "10pt"}


class LegendTitle:
    def __init__(self, plot: pg.PlotWidget) -> None:
        self.view = plot
        self.item = plot.getPlotItem()
        self.one_line = self.two_lines = ""
        self._probe = pg.LabelItem()
        self._width = -1.0
        self.item.geometryChanged.connect(self._fit)
        plot.sigDeviceRangeChanged.connect(
            self._fit
        )  # the view resized under a plot at its minimum

    def set(self, title: str, keys: list[tuple[str, str]], mark: str = "━━") -> None:
        """`keys`: (name, colour) per series, drawn as `mark` in the colour then the name."""
        entries = "&nbsp;&nbsp;".join(
            f"<span style='color:{colour}'>{mark}</span>&nbsp;{name}" for name, colour in keys
        )
        self.one_line = f"{title}&nbsp;&nbsp;&nbsp;{entries}" if entries else title
        self.two_lines = f"{title}<br>{entries}" if entries else title
        self._width = -1.0
        self._fit()

    def _fit(self, *_args: object) -> None:
        # a narrow view can be smaller than the plot's own minimum width: it clips the plot
        width = min(self.item.width(), self.view.viewport().width())
        if width == self._width:  # a height change: the choice stands
            return
        self._width = width
        # the title stands above the data, between the axes
        room = width - sum(self.item.getAxis(a).width() for a in ("left", "right"))
        # measured off the plot: a title once set raises the plot's minimum width to its own
        self._probe.setText(self.one_line, **TITLE_STYLE)
        text = self.one_line if self._probe.item.boundingRect().width() <= room else self.two_lines
        if text != self.item.titleLabel.text:
            self.item.setTitle(text, **TITLE_STYLE)
