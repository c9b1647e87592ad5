"""Export: the export settings, a live preview (counts per split, class and origin; real and
synthetic samples) computed in a worker, one Export button with progress and cancel, and the
finished folder one click away. The work is the core's (mammogan_core.export)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.control import Control
from mammogan_core.events import Event, Progress, SampleGrid
from mammogan_core.export import ExportResult, ExportSettings, export_dataset
from mammogan_core.export.plan import ORIGINS
from mammogan_core.export.preview import ExportPreview, preview_export

from ..context import AppContext
from ..file_views import open_path
from ..forms import SettingsForm
from ..tasks import show_progress
from ..training_view.images import ImageLabel
from ..workers import Task
from .base import Panel

PREVIEW_DELAY_MS = 300  # after the last edit, so typing does not start a preview per key
DEFAULT_FOLDER = "augmented"  # inside the workspace's exports/


class ExportPanel(Panel):
    title = "Export"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._export: Task | None = None
        self._preview: Task | None = None
        self._preview_again = False
        self._folder: Path | None = None
        self._default_out = ""

        self.form = SettingsForm(ExportSettings, groups=("What to export", "Synthetic lesions"))
        self.form.set_value(ExportSettings())
        self.export_button = QPushButton("Export")
        self.export_button.setObjectName("primaryButton")
        self.export_button.setToolTip("Write the dataset (Ctrl+E)")
        self.export_button.setShortcut("Ctrl+E")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the export; nothing is left in the folder")
        self.open_button = QPushButton("Open folder")
        self.open_button.setToolTip("Show the exported dataset in the file manager")
        buttons = QHBoxLayout()
        for b in (self.export_button, self.cancel_button, self.open_button):
            buttons.addWidget(b)
        self.progress = QProgressBar()
        self.status = QLabel()
        self.status.setObjectName("exportStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 6, 0)
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        column.addWidget(scroll, 1)
        column.addLayout(buttons)
        column.addWidget(self.progress)
        column.addWidget(self.status)
        left.setMinimumWidth(380)

        self.preview_label = QLabel()
        self.preview_label.setObjectName("exportPreview")
        self.preview_label.setWordWrap(True)
        self.counts = QTableWidget(0, 3 + len(ORIGINS))
        self.counts.setHorizontalHeaderLabels(["Split", "Class", *ORIGINS, "Total"])
        self.counts.verticalHeader().setVisible(False)
        self.counts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.counts.horizontalHeader().setStretchLastSection(True)
        self.counts.setMaximumHeight(200)
        self.real_grid = ImageLabel("real patches", min_side=120)
        self.fake_grid = ImageLabel("no synthetic lesions", min_side=120)
        grids = QHBoxLayout()
        for title, grid in (("Real", self.real_grid), ("Synthetic", self.fake_grid)):
            box = QVBoxLayout()
            box.addWidget(QLabel(f"<b>{title}</b>"))
            box.addWidget(grid, 1)
            grids.addLayout(box, 1)
        right = QWidget()
        shown = QVBoxLayout(right)
        shown.setContentsMargins(6, 0, 0, 0)
        shown.addWidget(QLabel("<b>Preview</b>"))
        shown.addWidget(self.preview_label)
        shown.addWidget(self.counts)
        shown.addLayout(grids, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("<h2>Export</h2>"))
        lay.addWidget(split, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.form.changed.connect(self._timer.start)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self.cancel)
        self.open_button.clicked.connect(self.open_folder)
        self._set_busy(False)
        self.workspace_changed()

    # ---------------------------------------------------------------- state
    def workspace_changed(self) -> None:
        ws = self.workspace
        self._set_busy(self._export is not None)
        if ws is None:
            self.preview_label.setText("No workspace open.")
            return
        current = self.form.value()
        if current is not None and current.out in ("", self._default_out):
            self._default_out = str(ws.exports_dir / DEFAULT_FOLDER)  # the one-click default
            self.form.set_value(dataclasses.replace(current, out=self._default_out))
        self._timer.start()

    def _set_busy(self, exporting: bool) -> None:
        self.export_button.setEnabled(self.workspace is not None and not exporting)
        self.cancel_button.setEnabled(exporting)
        self.progress.setVisible(exporting)
        self.open_button.setVisible(self._folder is not None and not exporting)

    # ---------------------------------------------------------------- preview
    def refresh_preview(self) -> None:
        ws, settings = self.workspace, self.form.value()
        if ws is None or self._export is not None:
            return
        if settings is None:
            self.preview_label.setText(self.form.problem_text())
            return
        if self._preview is not None:  # one at a time: the latest settings when it ends
            self._preview_again = True
            return

        def run(control: Control) -> Iterator[Event]:
            return ws.in_own_session(lambda own: preview_export(own, settings, control))

        self._preview = task = self.ctx.tasks.start("Export preview", run)
        task.event.connect(self._on_preview_event)
        task.finished.connect(self._show_preview)
        task.failed.connect(lambda message, _tb: self._show_problem(message))
        task.ended.connect(self._preview_ended)

    def _on_preview_event(self, ev: Event) -> None:
        if isinstance(ev, SampleGrid):
            (self.real_grid if ev.kind == "real" else self.fake_grid).set_pixels(ev.image)

    def _show_preview(self, preview: ExportPreview | dict) -> None:
        if not isinstance(preview, ExportPreview):
            return
        if not preview.run:
            self.fake_grid.set_pixels(None)
        self.counts.setRowCount(0)
        for split, by_class in preview.counts.items():
            for label, by_origin in by_class.items():
                row = self.counts.rowCount()
                self.counts.insertRow(row)
                cells = [split, label, *(by_origin.get(o, 0) for o in ORIGINS)]
                for col, value in enumerate([*cells, sum(by_origin.values())]):
                    item = QTableWidgetItem(f"{value:,}" if isinstance(value, int) else value)
                    if isinstance(value, int):
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight)
                    self.counts.setItem(row, col, item)
        source = f" Synthetic lesions from run {preview.run}." if preview.run else ""
        notes = "".join(f"<br>⚠ {w}" for w in preview.warnings)
        self.preview_label.setText(f"<b>{preview.images:,}</b> images.{source}{notes}")

    def _show_problem(self, message: str) -> None:
        self.counts.setRowCount(0)
        self.real_grid.set_pixels(None)
        self.fake_grid.set_pixels(None)
        self.preview_label.setText(f"Nothing to export: {message}")

    def _preview_ended(self) -> None:
        self._preview = None
        if self._preview_again:
            self._preview_again = False
            self.refresh_preview()

    # ---------------------------------------------------------------- export
    def start_export(self) -> None:
        ws, settings = self.workspace, self.form.value()
        if ws is None or self._export is not None:
            return
        if settings is None:
            self.status.setText(self.form.problem_text())
            return

        def run(control: Control) -> Iterator[Event]:
            return ws.in_own_session(lambda own: export_dataset(own, settings, control))

        self._folder = None
        self.status.setText("Exporting…")
        self.progress.setRange(0, 0)
        self._export = task = self.ctx.tasks.start("Export", run)
        task.event.connect(self._on_export_event)
        task.finished.connect(self._show_result)
        task.failed.connect(lambda message, _tb: self.status.setText(f"Export failed: {message}"))
        task.ended.connect(self._export_ended)
        self._set_busy(True)

    def cancel(self) -> None:
        if self._export is not None:
            self._export.stop()
            self.status.setText("Stopping the export…")

    def _on_export_event(self, ev: Event) -> None:
        if isinstance(ev, Progress):
            show_progress(self.progress, ev)

    def _show_result(self, result: ExportResult | dict) -> None:
        if not isinstance(result, ExportResult) or result.status == "stopped":
            self.status.setText("Export stopped: nothing was written.")
            return
        self._folder = Path(result.out)
        self.status.setText(
            f"Exported <b>{result.images:,}</b> images ({result.format}) to {result.out}; "
            "manifest.csv lists each one; croissant.json and README.md describe the dataset."
        )

    def _export_ended(self) -> None:
        self._export = None
        self._set_busy(False)
        self.ctx.notify_changed()

    def open_folder(self) -> None:
        if self._folder is not None:
            open_path(self, self._folder)
