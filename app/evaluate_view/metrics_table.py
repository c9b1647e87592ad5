"""The stored evaluations of every run as a table: one row per evaluation, each figure with its
real-vs-real floor beside it, the provenance in the row's tooltip."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from .evaluations import CHECK, METRICS, Evaluation, provenance_text

FIXED = ("Run", "Step", "Epoch", "What")
FLOOR_TIP = "In brackets: the same figure between two halves of the real set (the floor)"


def figure(value: float | None, floor: float | None = None) -> str:
    if value is None:
        return "–"
    text = f"{value:.4g}"
    return f"{text}  ({floor:.3g})" if floor is not None else text


class MetricsTable(QTableWidget):
    evaluation_chosen = Signal(object)  # the selected row's Evaluation

    def __init__(self) -> None:
        super().__init__(0, len(FIXED) + len(METRICS))
        self.rows: list[Evaluation] = []
        self.setHorizontalHeaderLabels([*FIXED, *METRICS.values()])
        for col, name in enumerate(METRICS, start=len(FIXED)):
            self.horizontalHeaderItem(col).setToolTip(f"{name}. {FLOOR_TIP}")
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.itemSelectionChanged.connect(self._on_selection)

    def show_evaluations(self, rows: list[Evaluation]) -> None:
        """Newest first; the selection stays on the same evaluation when it is still there."""
        keep = self.selected()
        self.rows = rows[::-1]
        self.blockSignals(True)
        self.setRowCount(len(self.rows))
        for r, ev in enumerate(self.rows):
            tip = provenance_text(ev)
            what = "check (training)" if ev.purpose == CHECK else "evaluation"
            epoch = f"{ev.epoch:.3g}" if ev.epoch is not None else ""
            cells = [ev.run, f"{ev.step:,}", epoch, what]
            cells += [figure(ev.values.get(name), ev.floor.get(name)) for name in METRICS]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                if c in (1, 2) or c >= len(FIXED):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.setItem(r, c, item)
        self.blockSignals(False)
        if keep is not None and keep in self.rows:
            self.selectRow(self.rows.index(keep))

    def selected(self) -> Evaluation | None:
        rows = self.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows and rows[0].row() < len(self.rows) else None

    def select_report(self, report_dir: str) -> None:
        """Select the evaluation written to `report_dir` (the one just made)."""
        for r, ev in enumerate(self.rows):
            if ev.report_dir is not None and ev.report_dir.resolve() == Path(report_dir).resolve():
                self.selectRow(r)
                return

    def _on_selection(self) -> None:
        ev = self.selected()
        if ev is not None:
            self.evaluation_chosen.emit(ev)
