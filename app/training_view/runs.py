"""The workspace's training runs as a table; the selected run's latest sample grid beside it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage
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

from mammogan_core.training.runs import list_runs
from mammogan_core.workspace import Workspace

from .images import ImageLabel

COLUMNS = ("Run", "Preset", "Status", "Step", "Created")
STATUS_COLOURS = {
    "running": "#1e7b34",
    "stopped": "#b36b00",
    "interrupted": "#b36b00",  # its process was killed: resumable from the last checkpoint
    "failed": "#c0392b",
}


def latest_samples(run_dir: Path) -> Path | None:
    """The newest fixed-noise grid of a run (names sort by step), else its real grid."""
    fakes = sorted((run_dir / "samples").glob("fake_step*.png"))
    if fakes:
        return fakes[-1]
    real = run_dir / "samples" / "real.png"
    return real if real.is_file() else None


def local_time(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


class RunsList(QWidget):
    selection_changed = Signal()

    def __init__(self, buttons: tuple[QWidget, ...] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self._ws: Workspace | None = None
        self.runs: list[dict[str, Any]] = []
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.preview = ImageLabel("Select a run to see its latest samples", 160)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        side = QWidget()
        self.side_layout = QVBoxLayout(side)  # the panel adds run options below the info
        self.side_layout.setContentsMargins(0, 0, 0, 0)
        self.side_layout.addWidget(self.preview, 1)
        self.side_layout.addWidget(self.info)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(split, 1)
        lay.addLayout(row)
        self.table.itemSelectionChanged.connect(self._on_selection)

    def refresh(self, ws: Workspace | None) -> None:
        """Re-read the runs, keeping the selected one selected."""
        keep = self.selected()
        self._ws = ws
        self.runs = [] if ws is None else list_runs(ws)[::-1]  # newest first
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.runs))
        for row, run in enumerate(self.runs):
            cells = (
                run["id"],
                run["config"].get("preset", "?"),
                run["status"],
                f"{run['step']:,}",
                local_time(run["created_at"]),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 2 and text in STATUS_COLOURS:
                    item.setForeground(QBrush(QColor(STATUS_COLOURS[text])))
                if col == 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)
        ids = [r["id"] for r in self.runs]
        if keep and keep["id"] in ids:
            self.table.selectRow(ids.index(keep["id"]))
        self._on_selection()

    def with_checkpoints(self) -> list[str]:
        """Runs a generator can be loaded from."""
        if self._ws is None:
            return []
        root = self._ws.runs_dir
        return [
            r["id"]
            for r in self.runs
            if (root / r["id"] / "checkpoints" / "checkpoints.json").is_file()
        ]

    def select(self, run_id: str) -> None:
        ids = [r["id"] for r in self.runs]
        if run_id in ids:
            self.table.selectRow(ids.index(run_id))

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.runs[rows[0].row()] if rows and rows[0].row() < len(self.runs) else None

    def _on_selection(self) -> None:
        run = self.selected()
        path = (
            None
            if run is None or self._ws is None
            else latest_samples(self._ws.runs_dir / run["id"])
        )
        self.preview.set_image(QImage(str(path)) if path else None)
        if run is None:
            self.info.setText("")
        else:
            cfg = run["config"]
            types = ", ".join(cfg.get("lesion_types") or []) or "all types"
            self.info.setText(
                f"<b>{run['id']}</b><br>{cfg.get('epochs', '?')} epochs, batch "
                f"{cfg.get('batch_size', '?')}, {cfg.get('label', '?')} ({types}), split "
                f"{cfg.get('split') or 'all'}<br>"
                + (f"Samples: {path.name}" if path else "No samples yet")
            )
        self.selection_changed.emit()
