"""The study's numbers: per mode and k (F1, AP and AUC with their 95% intervals, F1 at 0.5,
the class balance, cells that predict one class), per cell (one row per mode, k, fold and seed,
with its threshold, confusion matrix and generator), and the paired comparisons with their
Holm-adjusted p."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

SUMMARY_COLUMNS = (
    "Mode",
    "k",
    "F1",
    "F1 95% interval",
    "F1 at 0.5",
    "AP",
    "AP 95% interval",
    "AUC",
    "AUC 95% interval",
    "Lesions : normals",
    "Cells",
    "One-class cells",
)
CELL_COLUMNS = (
    "Mode",
    "k",
    "Fold",
    "Seed",
    "F1",
    "F1 at 0.5",
    "Threshold",
    "AP",
    "AUC",
    "TN",
    "FP",
    "FN",
    "TP",
    "Lesions : normals",
    "Generator",
    "Selected step",
)
COMPARISON_COLUMNS = (
    "Comparison",
    "k",
    "Metric",
    "Mean difference",
    "95% interval",
    "p",
    "Holm p",
    "Folds",
)


def number(value: float | None, digits: int = 3) -> str:
    """A metric as text; a metric a fold could not define (one class only) reads as a dash."""
    if value is None or value != value:
        return "—"
    return f"{value:.{digits}f}"


def interval(pair: Sequence[float] | None) -> str:
    if not pair or any(v is None or v != v for v in pair):
        return "—"
    return f"[{pair[0]:.3f}, {pair[1]:.3f}]"


def _table(columns: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def _fill(table: QTableWidget, rows: list[Sequence[Any]]) -> None:
    table.setSortingEnabled(False)
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            item = QTableWidgetItem(str(value))
            if c > 0:  # numbers line up on the right; the mode (or comparison) stays left
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


class ResultsTables(QTabWidget):
    """Three tabs: Summary (per mode and k), Per cell (fold and seed), Paired comparisons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = _table(SUMMARY_COLUMNS)
        self.cells = _table(CELL_COLUMNS)
        self.comparisons = _table(COMPARISON_COLUMNS)
        self.addTab(self.summary, "Summary")
        self.addTab(self.cells, "Per cell")
        self.addTab(self.comparisons, "Paired comparisons")

    def set_results(
        self, summary: Iterable[Any], cells: Iterable[Any], comparisons: Iterable[Any]
    ) -> None:
        summary, cells = list(summary), list(cells)
        order = list(dict.fromkeys([*(r.mode for r in summary), *(c.mode for c in cells)]))
        _fill(
            self.summary,
            [
                (
                    r.mode,
                    r.k,
                    number(r.f1.mean),
                    interval(r.f1.ci),
                    number(r.f1_at_half.mean),
                    number(r.ap.mean),
                    interval(r.ap.ci),
                    number(r.auc.mean),
                    interval(r.auc.ci),
                    f"{r.positives} : {r.negatives}",
                    r.cells,
                    r.one_class_cells,
                )
                for r in summary
            ],
        )
        _fill(
            self.cells,
            [
                (
                    c.mode,
                    c.k,
                    c.fold + 1,
                    c.seed + 1,
                    number(c.f1),
                    number(c.f1_at_half),
                    number(c.threshold),
                    number(c.ap),
                    number(c.auc),
                    *(v for row in c.confusion for v in row),
                    f"{c.positives} : {c.negatives}",
                    c.generator["run"] if c.generator else "—",
                    c.selected_step,
                )
                for c in sorted(cells, key=lambda c: (order.index(c.mode), c.k, c.fold, c.seed))
            ],
        )
        _fill(
            self.comparisons,
            [
                (
                    f"{p.mode} − {p.baseline}",
                    p.k,
                    p.metric.upper(),
                    number(p.mean_diff),
                    interval(p.ci),
                    number(p.p),
                    number(p.p_holm),
                    p.folds,
                )
                for p in comparisons
            ],
        )
