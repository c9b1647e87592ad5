"""Data: import a dataset folder (+ annotation file), see what was skipped and why, and
extract lesion and normal-tissue patches."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
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

from mammogan_core import catalogue_queries as cq
from mammogan_core.control import Control
from mammogan_core.errors import InputError
from mammogan_core.events import Event, ItemError, Progress
from mammogan_core.extraction.params import RUN_FIELDS, ExtractParams, ExtractRun
from mammogan_core.extraction.pipeline import ExtractResult
from mammogan_core.importing.options import ImportOptions
from mammogan_core.importing.results import ImportResult

from .. import dialogs
from ..context import AppContext
from ..forms import SettingsForm
from ..tasks import show_progress
from .base import Panel
from .data_overview import DatasetOverview

_MAX_ISSUE_ROWS = 5000  # a table of every row of a 100K-row CSV helps nobody; the log has all


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


class ImportForm(SettingsForm):
    """The import settings, with the paths checked on disk as they are typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(ImportOptions, parent=parent)

    def extra_problems(self, value: ImportOptions) -> dict[str, str]:
        problems = {}
        if value.source.strip() and not value.source_path.is_dir():
            problems["source"] = "no such folder"
        if value.annotations_path is not None and not value.annotations_path.exists():
            problems["annotations"] = "no such file or folder"
        return problems


class DataPanel(Panel):
    title = "Data"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.counts_label = QLabel("No workspace open")
        self.counts_label.setObjectName("workspaceCounts")
        self.counts_label.setWordWrap(True)

        self.import_form = ImportForm()
        self.import_form.set_value(ImportOptions())
        self.import_button = QPushButton("Import")
        self.import_form.group_forms["Import a dataset"].addRow("", self.import_button)

        self.run_form = SettingsForm(ExtractRun)
        self.run_form.boxes["Run"].setTitle("Extract patches")
        self.params_form = SettingsForm(ExtractParams)
        self.preset_label = QLabel()
        self.preset_label.setObjectName("extractPreset")
        self.preset_label.setWordWrap(True)
        self.extract_button = QPushButton("Extract patches")
        self.run_form.set_value(ExtractRun())
        self.params_form.set_value(ExtractParams())
        self.params_form.changed.connect(self._show_preset)
        self.run_form.editors["preset"].widget.currentTextChanged.connect(self._apply_preset)
        self._show_preset()

        forms = QWidget()
        column = QVBoxLayout(forms)
        for widget in (
            self.import_form,
            self.run_form,
            self.params_form,
            self.preset_label,
            self.extract_button,
        ):
            column.addWidget(widget)
        column.addStretch(1)
        self.forms_scroll = QScrollArea()
        self.forms_scroll.setWidget(forms)
        self.forms_scroll.setWidgetResizable(True)
        self.forms_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.forms_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        bar = self.forms_scroll.verticalScrollBar().sizeHint().width()
        self.forms_scroll.setMinimumWidth(forms.minimumSizeHint().width() + bar)  # never clipped

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

        results = QWidget()
        shown = QVBoxLayout(results)
        shown.setContentsMargins(0, 0, 0, 0)
        shown.addWidget(self.progress)
        shown.addWidget(self.summary_label)
        shown.addWidget(self.overview, 1)
        shown.addWidget(QLabel("Skipped rows and unreadable files:"))
        shown.addWidget(self.issues, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self.forms_scroll)
        split.addWidget(results)
        split.setStretchFactor(1, 1)
        split.setSizes([1, 10_000])  # the forms as narrow as they fit, the results the rest
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("<h2>Data</h2>"))
        lay.addWidget(self.counts_label)
        lay.addWidget(split, 1)

        self.import_button.clicked.connect(self.start_import)
        self.extract_button.clicked.connect(self.start_extraction)
        self.workspace_changed()

    # ---------------------------------------------------------------- presets
    def _apply_preset(self, name: str) -> None:
        """The preset's extraction choices in the form; what to cut and how to store it stay."""
        current = self.params_form.value() or ExtractParams()
        keep = {field: getattr(current, field) for field in RUN_FIELDS}
        self.params_form.set_value(ExtractParams.preset(name, **keep))

    def _show_preset(self) -> None:
        params = self.params_form.value()
        if params is None:
            self.preset_label.setText(self.params_form.problem_text())
            return
        name = params.preset_name()
        self.preset_label.setText(
            f"These settings are the <b>{name}</b> preset's."
            if name != "custom"
            else "Custom settings (changed from the preset's)."
        )

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

    # ---------------------------------------------------------------- work
    def start_import(self) -> None:
        ws, options = self.workspace, self.import_form.value()
        if ws is None:
            return
        if options is None:
            self.summary_label.setText(self.import_form.problem_text())
            return
        try:
            source = options.source_path
        except InputError:
            self.summary_label.setText("Choose the dataset folder first.")
            return

        def run(control: Control) -> Iterator[Event]:
            from mammogan_core.importing.pipeline import import_dataset

            return ws.in_own_session(
                lambda own: import_dataset(
                    own,
                    source,
                    options.format,
                    options.annotations_path,
                    control,
                    header_filters=options.header_filters(),
                )
            )

        self.issues.setRowCount(0)
        self._start(f"Import {source.name}", run, self._show_import)

    def start_extraction(self) -> None:
        ws, how, params = self.workspace, self.run_form.value(), self.params_form.value()
        if ws is None:
            return
        if how is None or params is None:
            problems = (self.run_form.problem_text(), self.params_form.problem_text())
            self.summary_label.setText("\n".join(p for p in problems if p))
            return

        from mammogan_core.extraction import extract_patches
        from mammogan_core.extraction.catalogue_io import parameter_conflict

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
                lambda own: extract_patches(
                    own,
                    params,
                    control,
                    workers=how.workers,
                    redo=redo,
                    executor=how.executor,
                    scheduler=how.scheduler,
                )
            )

        self._start("Extract patches", run, self._show_extraction)

    def _start(
        self,
        name: str,
        factory: Callable[[Control], Iterator[Event]],
        on_summary: Callable[[Any], None],
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
        if isinstance(ev, Progress):
            show_progress(self.progress, ev)
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
            source = self.import_form.editors["source"].get() or ""
            return Path(str(path)).relative_to(source.strip()).as_posix()
        except ValueError:
            return str(path)

    def _show_import(self, r: ImportResult | dict) -> None:
        if not isinstance(r, ImportResult):  # stopped before the import reported anything
            self.summary_label.setText("Import stopped.")
            return
        by_type = ", ".join(
            f"{k.replace('_', ' ')} {v}" for k, v in sorted(r.findings_by_type.items())
        )
        text = f"Imported <b>{r.images:,}</b> images and <b>{r.findings:,}</b> findings"
        text += f" ({by_type})." if by_type else "."
        text += (
            f" {_plural(len(r.skipped), 'annotation row')} skipped, "
            f"{_plural(len(r.errors), 'file')} not read."
        )
        if r.status == "stopped":
            text += " Stopped before the end: import again to complete it."
        self.summary_label.setText(text)
        for e in r.errors:
            self._add_issue("file error", e.path, e.reason)
        for sk in r.skipped:
            self._add_issue("row skipped", sk.row, sk.reason)

    def _show_extraction(self, r: ExtractResult | dict) -> None:
        if not isinstance(r, ExtractResult):
            self.summary_label.setText("Extraction stopped.")
            return
        text = (
            f"Extracted <b>{r.lesion_patches:,}</b> lesion and <b>{r.normal_patches:,}</b> "
            f"normal patches from {_plural(r.images_done, 'image')}."
        )
        if r.errors:
            text += f" {_plural(len(r.errors), 'image')} could not be read or cut (below)."
        if r.status == "stopped":
            text += " Stopped: run it again to continue where it left off."
        self.summary_label.setText(text)
