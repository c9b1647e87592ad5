"""Two small bar charts of what a workspace holds: findings by type, patches by split."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QWidget

from mammogan_core.palette import CLASS_COLOURS, UNLABELLED

from ..plot_title import LegendTitle

_SPLITS = ("train", "val", "test", "none")


def _bar_plot(title: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    plot.setTitle(title, color="#222", size="10pt")
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.getPlotItem().setMenuEnabled(False)
    plot.showGrid(y=True, alpha=0.25)
    plot.setMinimumHeight(90)
    return plot


class DatasetOverview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.findings_plot = _bar_plot("Findings by type")
        self.patches_plot = _bar_plot("Patches by split")
        self.patches_title = LegendTitle(self.patches_plot)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.findings_plot)
        lay.addWidget(self.patches_plot)
        self.bars: dict[str, pg.BarGraphItem] = {}  # what is drawn now (tests read it)

    def show_counts(self, overview: dict) -> None:
        for plot in (self.findings_plot, self.patches_plot):
            for item in list(plot.getPlotItem().items):
                if isinstance(item, pg.BarGraphItem):
                    plot.removeItem(item)
        self.bars = {}
        findings = overview.get("findings_by_type", {})
        names = list(findings)
        bar = pg.BarGraphItem(
            x=list(range(len(names))), height=[findings[n] for n in names], width=0.6,
            brush=UNLABELLED,
        )  # fmt: skip
        self.findings_plot.addItem(bar)
        self.bars["findings"] = bar
        self.findings_plot.getAxis("bottom").setTicks(
            [[(i, n.replace("_", " ")) for i, n in enumerate(names)]]
        )
        patches = overview.get("patches_by_split", {})
        splits = [s for s in _SPLITS if any(s in by for by in patches.values())]
        width = 0.8 / max(len(patches), 1)
        for k, (label, by_split) in enumerate(sorted(patches.items())):
            bar = pg.BarGraphItem(
                x=[i - 0.4 + width * (k + 0.5) for i in range(len(splits))],
                height=[by_split.get(s, 0) for s in splits],
                width=width * 0.9,
                brush=CLASS_COLOURS.get(label, UNLABELLED),
                name=label,
            )
            self.patches_plot.addItem(bar)
            self.bars[label] = bar
        self.patches_plot.getAxis("bottom").setTicks([[(i, s) for i, s in enumerate(splits)]])
        keys = [(label, CLASS_COLOURS.get(label, UNLABELLED)) for label in sorted(patches)]
        self.patches_title.set("Patches by split", keys, mark="■")
