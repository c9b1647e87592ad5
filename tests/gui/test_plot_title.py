"""A plot title with its legend: one line where it fits, the keys under the title where not."""

from __future__ import annotations

import pyqtgraph as pg

from app.plot_title import LegendTitle


def test_the_keys_go_under_the_title_when_the_plot_is_narrow_and_back_when_wide(qtbot):
    plot = pg.PlotWidget(background="w")
    qtbot.addWidget(plot)
    title = LegendTitle(plot)
    plot.resize(900, 250)
    plot.show()
    qtbot.waitExposed(plot)
    title.set("<b>Discriminator</b>", [("real", "#1f77b4"), ("fake", "#d62728")])
    assert "<br>" not in plot.getPlotItem().titleLabel.text

    plot.resize(220, 250)
    qtbot.waitUntil(lambda: "<br>" in plot.getPlotItem().titleLabel.text)

    plot.resize(900, 250)
    qtbot.waitUntil(lambda: "<br>" not in plot.getPlotItem().titleLabel.text)
