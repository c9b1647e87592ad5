"""The workspace's past studies, newest first: selecting one shows its stored results at once."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.experiment.store import list_studies
from mammogan_core.workspace import Workspace

from ..training_view.runs import STATUS_COLOURS, local_time

COLUMNS = ("Study", "Status", "Cells", "Created")


class StudiesList(QWidget):
    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.studies: list[dict[str, Any]] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.table)
        self.table.itemSelectionChanged.connect(self.selection_changed)

    def refresh(self, ws: Workspace | None) -> None:
        """Re-read the studies, keeping the selected one selected (without a new signal)."""
        keep = self.selected_id()
        self.studies = [] if ws is None else list_studies(ws)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.studies))
        for row, study in enumerate(self.studies):
            cells = (
                study["id"],
                study["status"],
                f"{study['cells_done']} / {study['cells_total']}",
                local_time(study["created"]),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 1 and text in STATUS_COLOURS:
                    item.setForeground(QBrush(QColor(STATUS_COLOURS[text])))
                item.setToolTip(study.get("description", ""))
                self.table.setItem(row, col, item)
        ids = [s["id"] for s in self.studies]
        if keep in ids:
            self.table.selectRow(ids.index(keep))
        self.table.blockSignals(False)

    def select(self, study_id: str) -> None:
        ids = [s["id"] for s in self.studies]
        if study_id in ids:
            self.table.selectRow(ids.index(study_id))

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.studies[rows[0].row()] if rows and rows[0].row() < len(self.studies) else None

    def selected_id(self) -> str | None:
        study = self.selected()
        return None if study is None else study["id"]
