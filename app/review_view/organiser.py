"""The study organiser's page: a new review set from the workspace (settings form, created in
the background with progress), the sets with their readers, and per set: read it here, export a
package for a reader elsewhere, import answers, export the key, and the report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.control import Control
from mammogan_core.errors import MammoganError
from mammogan_core.events import Event, Finished, Progress
from mammogan_core.review.answers import answers_files, import_answers
from mammogan_core.review.options import ReviewSetOptions
from mammogan_core.review.package import export_package, open_package
from mammogan_core.review.reading import ReaderInfo
from mammogan_core.review.report import ReviewReport, review_report, write_imrmc
from mammogan_core.review.sets import (
    ReviewSetInfo,
    ReviewSetResult,
    create_review_set,
    list_review_sets,
    write_key_csv,
)
from mammogan_core.workspace import Workspace

from .. import dialogs
from ..context import AppContext
from ..forms import SettingsForm
from ..tasks import show_progress
from ..workers import Task
from .planner import Planner
from .report_view import ReportView

COLUMNS = ("Set", "Title", "Created", "Real", "Synthetic", "Repeats", "Readers")


def _readers(ws: Workspace, info: ReviewSetInfo) -> tuple[str, int]:
    """Each reader with the share of the set answered ('Ann (done), Bob 12/40'), and the number
    of answers in all."""
    found, _warnings = answers_files(ws, info.set)
    parts = []
    for f in found:
        n = len(f.history)
        parts.append(f"{f.reader.name} " + ("(done)" if n >= info.images else f"{n}/{info.images}"))
    return ", ".join(parts) or "none yet", sum(len(f.history) for f in found)


def _report(ws: Workspace, set_id: str) -> Iterator[Event]:
    """The report as a one-event operation, so that it is computed off the GUI thread."""
    yield Finished(review_report(ws, set_id))


def _scrolled(widget: QWidget) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setWidget(widget)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    return scroll


NO_SETS = "No review set yet: choose the images on the left and create one."


class Organiser(QWidget):
    read_requested = Signal(str)  # the package folder of a set of this workspace

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._create: Task | None = None
        self._report: Task | None = None
        self._report_again = False
        self._select_next: str | None = None  # a set just made
        self.sets: list[ReviewSetInfo] = []
        self.answer_counts: dict[str, int] = {}

        self.form = SettingsForm(
            ReviewSetOptions, groups=("Images", "Synthetic lesions", "Reading")
        )
        self.form.set_value(ReviewSetOptions())
        self.create_button = QPushButton("Create review set")
        self.create_button.setObjectName("primaryButton")
        self.progress = QProgressBar()
        self.create_status = QLabel()
        self.create_status.setWordWrap(True)
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 6, 0)
        heading = QLabel("<b>New review set</b> (how many images and readers: see Study size)")
        heading.setWordWrap(True)
        column.addWidget(heading)
        column.addWidget(_scrolled(self.form), 1)
        column.addWidget(self.create_button)
        column.addWidget(self.progress)
        column.addWidget(self.create_status)
        self.planner = Planner(ctx)
        self.tabs = left = QTabWidget()
        left.addTab(page, "New set")
        left.addTab(_scrolled(self.planner), "Study size")
        left.setMinimumWidth(360)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("reviewSets")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMaximumHeight(180)
        self.read_button = QPushButton("Read…")
        self.read_button.setToolTip("Read the selected set here, as a reader (blinded)")
        self.export_button = QPushButton("Export package…")
        self.export_button.setToolTip("A folder for a reader elsewhere: images, no key")
        self.import_button = QPushButton("Import answers…")
        self.import_button.setToolTip(
            "A reader's answers file (.jsonl from a package) or a transcribed CSV "
            "image_id,call,confidence[,seconds]"
        )
        self.key_button = QPushButton("Export key…")
        self.key_button.setToolTip(
            "CSV image_id,truth,source: which image is real or synthetic; or (.imrmc) the "
            "readers' scores with the truth, for FDA's iMRMC or RJafroc"
        )
        self.set_buttons = (
            self.read_button,
            self.export_button,
            self.import_button,
            self.key_button,
        )
        row = QHBoxLayout()
        for b in self.set_buttons:
            row.addWidget(b)
        row.addStretch(1)
        self.status = QLabel()
        self.status.setObjectName("reviewStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right = QWidget()
        shown = QVBoxLayout(right)
        shown.setContentsMargins(6, 0, 0, 0)
        shown.addWidget(QLabel("<b>Review sets</b>"))
        shown.addWidget(self.table)
        shown.addLayout(row)
        shown.addWidget(self.status)
        self.report_view = ReportView()
        shown.addWidget(self.report_view, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([380, 900])  # the report's table is wide
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("<h2>Review</h2>"))
        lay.addWidget(split, 1)

        self.create_button.clicked.connect(self.create_set)
        self.read_button.clicked.connect(self.read_selected)
        self.export_button.clicked.connect(self.export_selected)
        self.import_button.clicked.connect(self.import_answers)
        self.key_button.clicked.connect(self.export_key)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.read_selected())
        self.workspace_changed()

    @property
    def workspace(self):
        return self.ctx.workspace

    # ---------------------------------------------------------------- state
    def workspace_changed(self) -> None:
        self._set_busy(self._create is not None)
        self.refresh()

    def answers_changed(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """The sets list (keeping the selection), then the selected set's report."""
        ws = self.workspace
        chosen = self._select_next or self.selected_set()
        self._select_next = None
        self.table.setRowCount(0)
        self.sets = []
        self.answer_counts = {}
        if ws is None:
            self.status.setText("Open a workspace to make review sets; File > Open review "
                                "package reads a package a study organiser sent.")  # fmt: skip
            self._selection_changed()
            return
        try:
            self.sets = list_review_sets(ws)
        except MammoganError as exc:
            self.status.setText(f"Cannot list the review sets: {exc}")
        for info in self.sets:
            r = self.table.rowCount()
            self.table.insertRow(r)
            readers, self.answer_counts[info.set] = _readers(ws, info)
            cells = (info.set, info.title, info.created_at[:16].replace("T", " "), info.real,
                     info.synthetic, info.repeats, readers)  # fmt: skip
            for c, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if isinstance(value, int):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        ids = [s.set for s in self.sets]
        if ids:
            if self.status.text() == NO_SETS:  # the first set: the placeholder goes, news stay
                self.status.setText(
                    f"{len(ids)} review set{'s' if len(ids) > 1 else ''}: select one to read "
                    "it, export its package or import its answers."
                )
            self.table.selectRow(ids.index(chosen) if chosen in ids else len(ids) - 1)
        else:
            self.status.setText(NO_SETS)
        self._selection_changed()

    def selected_set(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.sets[rows[0].row()].set if rows and rows[0].row() < len(self.sets) else None

    def _selected_info(self) -> ReviewSetInfo | None:
        chosen = self.selected_set()
        return next((s for s in self.sets if s.set == chosen), None)

    def _selection_changed(self) -> None:
        for b in self.set_buttons:
            b.setEnabled(self.selected_set() is not None)
        self.planner.set_selected(self.selected_set())
        self.update_report()

    # ---------------------------------------------------------------- report
    def update_report(self) -> None:
        """The selected set's report, computed in the background (one at a time; the latest
        state when it ends)."""
        ws, chosen = self.workspace, self.selected_set()
        if ws is None or chosen is None or not self.answer_counts.get(chosen):
            self.report_view.show_report(None)
            self.report_view.heading.setText(
                "<b>Report</b>: no answers yet." if chosen else "<b>Report</b>"
            )
            return
        if self._report is not None:
            self._report_again = True
            return

        def run(control: Control) -> Iterator[Event]:
            return ws.in_own_session(lambda own: _report(own, chosen))

        self._report = task = self.ctx.tasks.start("Review report", run)
        task.finished.connect(self._show_report)
        task.failed.connect(lambda message, _tb: self.status.setText(f"No report: {message}"))
        task.ended.connect(self._report_ended)

    def _show_report(self, report: ReviewReport | dict) -> None:
        info = self._selected_info()
        if not isinstance(report, ReviewReport) or info is None or info.set != report.set:
            return
        try:
            package = open_package(info.package_dir)
        except MammoganError as exc:  # the report is still worth showing without the images
            self.status.setText(f"The fooled images cannot be shown: {exc}")
            package = None
        self.report_view.show_report(report, package)

    def _report_ended(self) -> None:
        self._report = None
        if self._report_again:
            self._report_again = False
            self.update_report()

    def _set_busy(self, creating: bool) -> None:
        self.create_button.setEnabled(self.workspace is not None and not creating)
        self.progress.setVisible(creating)

    # ---------------------------------------------------------------- create
    def create_set(self) -> None:
        ws, options = self.workspace, self.form.value()
        if ws is None or self._create is not None:
            return
        if options is None:
            self.create_status.setText(self.form.problem_text())
            return

        def run(control: Control) -> Iterator[Event]:
            return ws.in_own_session(lambda own: create_review_set(own, options, control))

        self.create_status.setText("Creating the review set…")
        self.progress.setRange(0, 0)
        self._create = task = self.ctx.tasks.start("Review set", run)
        task.event.connect(self._on_create_event)
        task.finished.connect(self._created)
        task.failed.connect(
            lambda message, _tb: self.create_status.setText(f"Not created: {message}")
        )
        task.ended.connect(self._create_ended)
        self._set_busy(True)

    def _on_create_event(self, ev: Event) -> None:
        if isinstance(ev, Progress):
            show_progress(self.progress, ev)

    def _created(self, result: ReviewSetResult | dict) -> None:
        if not isinstance(result, ReviewSetResult):
            self.create_status.setText("Stopped: no set was made.")
            return
        self.create_status.setText(
            f"Set <b>{result.set}</b>: {result.real} real and {result.synthetic} synthetic "
            f"lesions, {result.repeats} repeated ({result.images} images), from run {result.run}."
        )
        self._select_next = result.set

    def _create_ended(self) -> None:
        self._create = None
        self._set_busy(False)
        self.ctx.notify_changed()

    # ---------------------------------------------------------------- per set
    def read_selected(self) -> None:
        info = self._selected_info()
        if info is not None:
            self.read_requested.emit(str(info.package_dir))

    def export_selected(self) -> None:
        info = self._selected_info()
        ws = self.workspace
        if info is None or ws is None:
            return
        folder = QFileDialog.getExistingDirectory(self, "Export the package into (an empty folder)")
        if not folder:
            return
        try:
            out = export_package(ws, info.set, folder)
        except (MammoganError, OSError) as exc:
            dialogs.show_error(self, "Package not exported", str(exc))
            return
        self.status.setText(
            f"Package of set {info.set} written to {out}. Give the reader the whole folder; "
            "they open it with File > Open review package (or mammogan review open)."
        )

    def import_answers(self) -> None:
        ws = self.workspace
        if ws is None:
            return
        path, _filter = QFileDialog.getOpenFileName(
            self, "Import answers", "", "Answers (*.jsonl *.csv);;All files (*)"
        )
        if not path:
            return
        reader = None
        if path.lower().endswith(".csv"):
            name, ok = QInputDialog.getText(
                self, "Transcribed answers", "Whose answers are these? Reader's name:"
            )
            if not ok or not name.strip():
                return
            reader = ReaderInfo(name.strip())
        try:
            result = import_answers(ws, path, reader)
        except (MammoganError, OSError) as exc:
            dialogs.show_error(self, "Answers not imported", str(exc))
            return
        how = " (transcribed)" if result.source == "transcribed" else ""
        self.status.setText(
            f"Imported {result.answers} answers of {result.reader}{how} for set {result.set} "
            f"({result.new} new)."
        )
        self.refresh()

    def export_key(self) -> None:
        info = self._selected_info()
        ws = self.workspace
        if info is None or ws is None:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export the key", str(Path.home() / f"review-{info.set}-key.csv"),
            "CSV (*.csv);;iMRMC input: readers' scores and truth (*.imrmc)",
        )  # fmt: skip
        if not path:
            return
        try:
            if path.lower().endswith(".imrmc"):
                write_imrmc(ws, info.set, path)
            else:
                write_key_csv(ws, info.set, path)
        except (MammoganError, OSError) as exc:
            dialogs.show_error(self, "Key not exported", str(exc))
            return
        self.status.setText(f"The key of set {info.set} is in {path}: keep it from the readers.")
