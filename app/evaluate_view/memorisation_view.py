"""Memorisation: each suspected copy beside its nearest real training patch (flipped as it
matched) with the distances, and the nearest-distance histograms: synthetic-to-real against
real-to-real, with the copy threshold. Read from an evaluation's report folder."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.palette import INK, REAL_LESION, SYNTHETIC

from ..training_view.images import gray_image

ICON = 96
COLUMNS = ("Synthetic", "Nearest real", "RMS (grey levels)", "Feature distance", "Flagged by")
BINS = 40
REAL, FAKE, LINE = REAL_LESION, SYNTHETIC, INK  # the copy threshold: a black line
HISTOGRAMS = (  # title, x label, synthetic key, real key, threshold key in report.json
    (
        "Nearest real, pixels",
        "RMS difference (grey levels)",
        "synthetic_to_real_pixels",
        "real_to_real_pixels",
        "pixel_threshold_rms",
    ),
    (
        "Nearest real, features",
        "feature distance",
        "synthetic_to_real_features",
        "real_to_real_features",
        "feature_threshold",
    ),
)


def _icon(pixels: np.ndarray) -> QIcon:
    return QIcon(QPixmap.fromImage(gray_image(pixels)))


class MemorisationView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("Evaluate a run (or pick an evaluation in the Metrics tab) to see it")
        self.summary.setWordWrap(True)
        self.copies = QTableWidget(0, len(COLUMNS))
        self.copies.setHorizontalHeaderLabels(COLUMNS)
        self.copies.verticalHeader().setVisible(False)
        self.copies.setIconSize(QSize(ICON, ICON))
        self.copies.verticalHeader().setDefaultSectionSize(ICON + 6)
        self.copies.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.copies.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.plots: list[pg.PlotWidget] = []
        plots = QWidget()
        plot_lay = QVBoxLayout(plots)
        plot_lay.setContentsMargins(0, 0, 0, 0)
        key = QLabel(
            f"<span style='color:{REAL}'>■</span> real to real &nbsp; "
            f"<span style='color:{FAKE}'>■</span> synthetic to real &nbsp; "
            f"<span style='color:{LINE}'>┃</span> copy threshold"
        )
        plot_lay.addWidget(key)
        for title, x_label, *_keys in HISTOGRAMS:
            plot = pg.PlotWidget(background="w")
            plot.setTitle(title, color="#222", size="10pt")
            plot.setLabel("bottom", x_label, color="#222")
            plot.setLabel("left", "share of patches", color="#222")
            for side in ("left", "bottom"):
                plot.getAxis(side).setTextPen("#222")
            self.plots.append(plot)
            plot_lay.addWidget(plot, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.copies)
        split.addWidget(plots)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.summary)
        row = QHBoxLayout()
        row.addWidget(split)
        lay.addLayout(row, 1)

    def show_report(
        self, report: dict[str, Any] | None, arrays: dict[str, np.ndarray] | None
    ) -> None:
        """report.json's content and the report's memorisation arrays (None: an older report)."""
        self.copies.setRowCount(0)
        for plot in self.plots:
            plot.clear()
        if report is None:
            self.summary.setText("This evaluation has no report to show.")
            return
        memorised = list(report.get("memorised") or [])
        n_fake = report.get("n_fake", 0)
        if memorised:
            self.summary.setText(
                f"<b>{len(memorised)}</b> of {n_fake:,} synthetic patches are suspected copies: "
                "nearer to a training patch than real patches are to each other."
            )
        else:
            self.summary.setText(
                f"No suspected copies among {n_fake:,} synthetic patches: none is nearer to a "
                "training patch than real patches are to each other."
            )
        if arrays is None:
            self.summary.setText(self.summary.text() + " (This report predates the pictures.)")
            return
        self._fill_copies(memorised, arrays)
        thresholds = report.get("memorisation") or {}
        for plot, (_t, _x, fake_key, real_key, cut_key) in zip(self.plots, HISTOGRAMS, strict=True):
            self._histogram(plot, arrays[real_key], arrays[fake_key], thresholds.get(cut_key))

    def _fill_copies(self, memorised: list[dict[str, Any]], arrays: dict[str, np.ndarray]) -> None:
        row_of = {int(i): r for r, i in enumerate(arrays["copy_index"])}
        shown = [m for m in memorised if int(m["index"]) in row_of]
        self.copies.setRowCount(len(shown))
        for r, m in enumerate(shown):
            pair = row_of[int(m["index"])]
            source = (
                f"patch {m['real_patch_id']}" if "real_patch_id" in m else m.get("real_file", "")
            )
            synthetic = QTableWidgetItem(
                f"#{m['index']}" + (f"\n{m['file']}" if "file" in m else "")
            )
            synthetic.setIcon(_icon(arrays["copy_synthetic"][pair]))
            real = QTableWidgetItem(f"{source}\nflip: {m['flip']}")
            real.setIcon(_icon(arrays["copy_real"][pair]))
            cells = [
                synthetic,
                real,
                QTableWidgetItem(f"{m['pixel_rms']:.2f}"),
                QTableWidgetItem(f"{m['feature_distance']:.3g}"),
                QTableWidgetItem(", ".join(m.get("by", []))),
            ]
            for c, item in enumerate(cells):
                self.copies.setItem(r, c, item)

    @staticmethod
    def _histogram(
        plot: pg.PlotWidget, real: np.ndarray, fake: np.ndarray, cut: float | None
    ) -> None:
        top = max(float(np.max(real, initial=0)), float(np.max(fake, initial=0)), cut or 0, 1e-9)
        edges = np.linspace(0, top * 1.05, BINS + 1)
        for values, colour in ((real, REAL), (fake, FAKE)):
            share = np.histogram(values, edges)[0] / max(len(values), 1)
            plot.plot(
                edges,
                share,
                stepMode="center",
                fillLevel=0,
                pen=pg.mkPen(colour, width=2),
                brush=pg.mkBrush(colour + "55"),
            )
        if cut is not None:
            plot.addItem(pg.InfiniteLine(cut, angle=90, pen=pg.mkPen(LINE, width=2)))
