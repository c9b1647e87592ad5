"""The stored evaluations of every run as a table: one row per evaluation, each figure with its
95% interval and real-vs-real floor (from the report), the provenance in the row's tooltip."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from mammogan_core.metrics.registry import BY_NAME
from mammogan_core.metrics.table import SAME

from .evaluations import CHECK, COPIES, METRICS, Evaluation, provenance_text

FIXED = ("Run", "Step", "Epoch", "What")
FLOOR_TIP = (
    "In square brackets: the 95% bootstrap interval. In round brackets: the floor, the same "
    "figure between the reference patches and as many other real ones. ≈ marks a figure "
    f"{SAME} (its interval overlaps the floor's)."
)


def figure(ev: Evaluation, name: str) -> str:
    value = ev.shown(name)
    if value is None:
        return "–"
    text = f"{value:.4g}"
    e = ev.estimates.get(name)
    if name == COPIES or not e:
        return text
    same = "≈ " if e.get("indistinguishable_from_real") else ""
    custom = " custom weights" if "custom weights" in str(e.get("features")) else ""
    return f"{same}{text} [{e['ci'][0]:.3g}, {e['ci'][1]:.3g}]  ({e['floor']:.3g}){custom}"


class MetricsTable(QTableWidget):
    evaluation_chosen = Signal(object)  # the selected row's Evaluation

    def __init__(self) -> None:
        super().__init__(0, len(FIXED) + len(METRICS))
        self.rows: list[Evaluation] = []
        self.setHorizontalHeaderLabels([*FIXED, *METRICS.values()])
        for col, name in enumerate(METRICS, start=len(FIXED)):
            spec = BY_NAME.get(name)
            about = f"{spec.help}; {spec.direction}. " if spec else ""
            self.horizontalHeaderItem(col).setToolTip(f"{about}{FLOOR_TIP}")
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
            cells += [figure(ev, name) for name in METRICS]
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
