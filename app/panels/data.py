"""Data: import a dataset folder (+ annotation file), see what was skipped and why, and
extract lesion and normal-tissue patches."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mammogan_core import catalogue_queries as cq
from mammogan_core.control import Control
from mammogan_core.errors import InputError
from mammogan_core.events import Event, ItemError, Progress
from mammogan_core.preprocess.normalise import PRESETS

from .. import dialogs
from ..context import AppContext
from .base import Panel
from .data_overview import DatasetOverview

FORMATS = ("auto", "mias", "cbis-ddsm", "vindr", "inbreast", "optimam", "generic", "images")
_MAX_ISSUE_ROWS = 5000  # a table of every row of a 100K-row CSV helps nobody; the log has all


def _path_row(edit: QLineEdit, button_text: str, chooser: Callable[[], None]) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    button = QPushButton(button_text)
    button.clicked.connect(chooser)
    row.addWidget(button)
    return row


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


class DataPanel(Panel):
    title = "Data"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.counts_label = QLabel("No workspace open")
        self.counts_label.setObjectName("workspaceCounts")
        self.counts_label.setWordWrap(True)

        self.source_edit = QLineEdit()
        self.source_edit.setPlaceholderText("Folder with the mammograms (searched recursively)")
        self.format_box = QComboBox()
        self.format_box.addItems(FORMATS)
        self.annotations_edit = QLineEdit()
        self.annotations_edit.setPlaceholderText("Optional: Info.txt, a case CSV, a generic CSV…")
        self.filters_edit = QLineEdit()
        self.filters_edit.setPlaceholderText(
            "Optional header filters, e.g. PresentationIntentType=FOR PRESENTATION; Modality=MG"
        )
        self.import_button = QPushButton("Import")
        form = QFormLayout()
        form.addRow("Source folder:", _path_row(self.source_edit, "Browse…", self._choose_source))
        form.addRow("Format:", self.format_box)
        form.addRow(
            "Annotation file:",
            _path_row(self.annotations_edit, "Browse…", self._choose_annotations),
        )
        form.addRow("Header filters:", self.filters_edit)
        form.addRow("", self.import_button)
        import_group = QGroupBox("Import a dataset")
        import_group.setLayout(form)

        self.normal_spin = QSpinBox()
        self.normal_spin.setRange(0, 1000)
        self.normal_spin.setValue(10)
        self.normalise_box = QComboBox()
        self.normalise_box.addItems(PRESETS)
        self.workers_spin = QSpinBox()
        self.workers_spin.setRange(0, 64)
        self.workers_spin.setValue(2)
        self.workers_spin.setSpecialValueText("0 (in the app)")
        self.extract_button = QPushButton("Extract patches")
        ex_form = QFormLayout()
        ex_form.addRow("Normal patches per image:", self.normal_spin)
        ex_form.addRow("Normalisation:", self.normalise_box)
        ex_form.addRow("Worker processes:", self.workers_spin)
        ex_form.addRow("", self.extract_button)
        extract_group = QGroupBox("Extract patches")
        extract_group.setLayout(ex_form)

        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.summary_label = QLabel("")
        self.summary_label.setObjectName("importSummary")
        self.summary_label.setWordWrap(True)
        self.overview = DatasetOverview()
        self._issues_of: Path | None = None  # the workspace whose import report is shown
        self.issues = QTableWidget(0, 3)
        self.issues.setMinimumHeight(60)  # the panel must fit a 600 px high window
        self.issues.setHorizontalHeaderLabels(["Kind", "File / row", "Reason"])
        self.issues.verticalHeader().setVisible(False)
        self.issues.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.issues.setWordWrap(False)
        self.issues.setTextElideMode(Qt.TextElideMode.ElideLeft)  # keep the file name visible
        header = self.issues.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.issues.setColumnWidth(1, 320)

        top = QHBoxLayout()
        top.addWidget(import_group, 3)
        top.addWidget(extract_group, 2)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("<h2>Data</h2>"))
        lay.addWidget(self.counts_label)
        lay.addLayout(top)
        lay.addWidget(self.progress)
        lay.addWidget(self.summary_label)
        lay.addWidget(self.overview, 1)
        lay.addWidget(QLabel("Skipped rows and unreadable files:"))
        lay.addWidget(self.issues, 1)

        self.import_button.clicked.connect(self.start_import)
        self.extract_button.clicked.connect(self.start_extraction)
        self.workspace_changed()

    # ---------------------------------------------------------------- choosing files
    def _choose_source(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Dataset folder", self.source_edit.text())
        if path:
            self.source_edit.setText(path)

    def _choose_annotations(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Annotation file", self.source_edit.text())
        if path:
            self.annotations_edit.setText(path)

    # ---------------------------------------------------------------- state
    def workspace_changed(self) -> None:
        ws = self.workspace
        busy = bool(self.ctx.tasks.running)
        for button in (self.import_button, self.extract_button):
            button.setEnabled(ws is not None and not busy)
        if ws is None:
            self.counts_label.setText("No workspace open: open or create one from the File menu.")
            self._issues_of = None
            self.issues.setRowCount(0)
            self.overview.show_counts({})
            return
        self.overview.show_counts(cq.dataset_overview(ws))
        if ws.root != self._issues_of:  # a workspace just opened: what its imports reported
            self._issues_of = ws.root
            self.issues.setRowCount(0)
            for issue in cq.import_issues(ws):
                kind = "file error" if issue["kind"] == "error" else "row skipped"
                self._add_issue(kind, issue["what"], issue["reason"])
        c = ws.counts()
        self.counts_label.setText(
            f"Workspace {ws.root.name}: <b>{c['images']:,}</b> images, <b>{c['findings']:,}</b> "
            f"findings, <b>{c['lesion_patches']:,}</b> lesion and <b>{c['normal_patches']:,}</b> "
            "normal patches."
        )

    def _header_filters(self) -> list[Any]:
        """The filters typed as `Keyword=Value; Keyword~Text` (raises InputError if malformed)."""
        from mammogan_core.importing.filters import HeaderFilter

        return [HeaderFilter.parse(p) for p in self.filters_edit.text().split(";") if p.strip()]

    # ---------------------------------------------------------------- work
    def start_import(self) -> None:
        ws, source = self.workspace, self.source_edit.text().strip()
        if ws is None:
            return
        if not source:
            self.summary_label.setText("Choose the dataset folder first.")
            return
        fmt = self.format_box.currentText()
        annotations = self.annotations_edit.text().strip() or None
        try:
            filters = self._header_filters()
        except InputError as exc:
            self.summary_label.setText(str(exc))
            return

        def run(control: Control) -> Iterator[Event]:
            from mammogan_core.importing.pipeline import import_dataset

            return ws.in_own_session(
                lambda own: import_dataset(
                    own, Path(source), fmt, annotations, control, header_filters=filters
                )
            )

        self.issues.setRowCount(0)
        self._start(f"Import {Path(source).name}", run, self._show_import)

    def start_extraction(self) -> None:
        ws = self.workspace
        if ws is None:
            return
        normal, normalise, workers = (
            self.normal_spin.value(),
            self.normalise_box.currentText(),
            self.workers_spin.value(),
        )

        from mammogan_core.extraction import ExtractParams, extract_patches
        from mammogan_core.extraction.catalogue_io import parameter_conflict

        params = ExtractParams(normal_per_image=normal, normalise=normalise)
        # Other parameters than the images already done: the core refuses to mix them, so
        # offer the redo here rather than show that refusal as an error.
        conflict = parameter_conflict(ws, params)
        if conflict and not dialogs.ask(
            self,
            "Extract again?",
            f"{conflict}.\n\nDiscard the lesion and normal patches extracted so far and "
            "extract every image again with these parameters?",
        ):
            return
        redo = conflict is not None

        def run(control: Control) -> Iterator[Event]:
            return ws.in_own_session(
                lambda own: extract_patches(own, params, control, workers=workers, redo=redo)
            )

        self._start("Extract patches", run, self._show_extraction)

    def _start(
        self,
        name: str,
        factory: Callable[[Control], Iterator[Event]],
        on_summary: Callable[[dict], None],
    ) -> None:
        self.summary_label.setText(f"{name}…")
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        task = self.ctx.tasks.start(name, factory)
        task.event.connect(self._on_event)
        task.finished.connect(on_summary)
        task.failed.connect(
            lambda message, _tb: self.summary_label.setText(f"{name} failed: {message}")
        )
        task.ended.connect(self._on_ended)
        self.workspace_changed()  # disables the buttons while the task runs

    def _on_event(self, ev: Event) -> None:
        if isinstance(ev, Progress) and ev.total > 0:
            self.progress.setRange(0, ev.total)
            self.progress.setValue(min(ev.done, ev.total))
            self.progress.setFormat(f"%v / %m {ev.unit}")
        elif isinstance(ev, ItemError) and self.summary_label.text().startswith("Extract"):
            self._add_issue("extraction error", ev.path, ev.reason)

    def _on_ended(self) -> None:
        self.progress.setVisible(False)
        self.ctx.notify_changed()  # panels refresh, this one included (buttons, counts)

    # ---------------------------------------------------------------- results
    def _add_issue(self, kind: str, where: Any, reason: str) -> None:
        row = self.issues.rowCount()
        if row >= _MAX_ISSUE_ROWS:
            return
        self.issues.insertRow(row)
        for col, (text, tip) in enumerate(
            ((kind, kind), (self._short(where), str(where)), (reason, reason))
        ):
            item = QTableWidgetItem(text)
            item.setToolTip(tip)
            self.issues.setItem(row, col, item)

    def _short(self, path: Any) -> str:
        """A file inside the source folder as its relative path (the full one is a tooltip away)."""
        try:
            return Path(str(path)).relative_to(self.source_edit.text().strip()).as_posix()
        except ValueError:
            return str(path)

    def _show_import(self, s: dict) -> None:
        if s.get("stopped") and "images" not in s:
            self.summary_label.setText("Import stopped.")
            return
        by_type = ", ".join(
            f"{k.replace('_', ' ')} {v}"
            for k, v in sorted((s.get("findings_by_type") or {}).items())
        )
        skipped, errors = s.get("skipped") or [], s.get("errors") or []
        text = f"Imported <b>{s.get('images', 0):,}</b> images and <b>{s.get('findings', 0):,}</b> findings"
        text += f" ({by_type})." if by_type else "."
        text += f" {_plural(len(skipped), 'annotation row')} skipped, {_plural(len(errors), 'file')} not read."
        if s.get("stopped"):
            text += " Stopped before the end."
        self.summary_label.setText(text)
        for e in errors:
            self._add_issue("file error", e.get("path"), e.get("reason", ""))
        for sk in skipped:
            self._add_issue("row skipped", sk.get("row"), sk.get("reason", ""))

    def _show_extraction(self, s: dict) -> None:
        errors = s.get("errors", 0)
        n_errors = len(errors) if isinstance(errors, list) else int(errors or 0)
        text = (
            f"Extracted <b>{s.get('lesion_patches', 0):,}</b> lesion and "
            f"<b>{s.get('normal_patches', 0):,}</b> normal patches from {s.get('images_done', 0):,} "
            f"images ({s.get('images_skipped', 0):,} skipped, {n_errors:,} errors)."
        )
        if s.get("stopped"):
            text += " Stopped: run it again to continue where it left off."
        self.summary_label.setText(text)
