"""Experiment: the augmentation study (the seed's ORG, AugORG, GAN, AugGAN and the Oversample
controls). Its settings, Run in the background with the running cell and cells done of total,
Cancel, the F1, AP and AUC plots and the tables filling in as cells finish, the study's
warnings (cells predicting one class, no established difference), the workspace's past studies
(reopened from their stored results), Resume of an interrupted one and its PNG and CSV one click
away. The work is the core's (mammogan_core.experiment); torch loads in the worker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.control import Control
from mammogan_core.events import CellFinished, Event, Progress
from mammogan_core.experiment.options import StudyOptions
from mammogan_core.experiment.results import CellResult, StudyResult
from mammogan_core.experiment.stats import compare, summarise, warnings
from mammogan_core.experiment.store import load_study
from mammogan_core.experiment.study import run_study

from ..context import AppContext
from ..experiment_view.plot import MetricsPlot
from ..experiment_view.studies import StudiesList
from ..experiment_view.table import ResultsTables
from ..file_views import open_path
from ..forms import SettingsForm
from ..workers import Task
from .base import Panel

RESUMABLE = ("stopped", "interrupted", "failed")  # finished cells are kept, the rest is run


class ExperimentPanel(Panel):
    title = "Experiment"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._task: Task | None = None
        # the running study's cells by (mode, k, fold, seed), as they finish
        self._cells: dict[tuple[str, int, int, int], CellResult] = {}
        self._folds = 0  # the running study's
        self._shown: StudyResult | None = None  # the study whose results are shown
        self._listed = False  # whether the studies list shows the running study yet

        self.form = SettingsForm(StudyOptions, groups=("Study", "Classifier", "Generator"))
        self.form.set_value(StudyOptions())
        self.run_button = _button("Run", "Run the study with these settings", "Ctrl+Return")
        self.run_button.setObjectName("primaryButton")
        self.cancel_button = _button(
            "Cancel", "Stop the study; its finished cells are kept for Resume", "Ctrl+."
        )
        self.progress = QProgressBar()
        self.status = QLabel()
        self.status.setObjectName("experimentStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # its lines are never cut: the form above scrolls instead
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.reason_label = QLabel()  # why Run is disabled
        self.reason_label.setWordWrap(True)
        self.reason_label.setStyleSheet("color: #c0392b;")
        self.warnings_label = QLabel()  # the shown study's warnings
        self.warnings_label.setObjectName("experimentWarnings")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet("color: #b9770e;")
        self.warnings_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.studies = StudiesList()
        self.resume_button = _button(
            "Resume",
            "Finish the selected stopped study (its finished cells are not redone)",
            "Ctrl+R",
        )
        self.plot_button = _button("Open plot", "Open the study's F1, AP and AUC PNG", "")
        self.csv_button = _button("Open CSV", "Open the study's numbers as CSV", "")

        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        run_row = QGridLayout()
        run_row.addWidget(self.run_button, 0, 0)
        run_row.addWidget(self.cancel_button, 0, 1)
        study_row = QGridLayout()
        for i, b in enumerate((self.resume_button, self.plot_button, self.csv_button)):
            study_row.addWidget(b, 0, i)
        setup = QWidget()
        column = QVBoxLayout(setup)
        column.setContentsMargins(0, 0, 6, 0)
        column.addWidget(scroll, 1)
        column.addLayout(run_row)
        column.addWidget(self.reason_label)
        column.addWidget(self.progress)
        column.addWidget(self.status)
        past = QWidget()
        column = QVBoxLayout(past)
        column.setContentsMargins(0, 0, 6, 0)
        column.addWidget(QLabel("<b>Studies</b>"))
        column.addWidget(self.studies, 1)
        column.addLayout(study_row)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(setup)
        left.addWidget(past)
        left.setSizes([560, 200])  # the form first; the list grows with the studies
        left.setMinimumWidth(380)

        self.plot = MetricsPlot()
        self.tables = ResultsTables()
        results = QWidget()
        column = QVBoxLayout(results)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.warnings_label)
        column.addWidget(self.tables, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.plot)
        right.addWidget(results)
        right.setSizes([400, 350])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("<h2>Experiment</h2>"))
        lay.addWidget(split, 1)

        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        self.resume_button.clicked.connect(self.resume_selected)
        self.plot_button.clicked.connect(lambda: self._open(self._shown and self._shown.plot))
        self.csv_button.clicked.connect(lambda: self._open(self._shown and self._shown.csv))
        self.form.changed.connect(self._update_buttons)
        self.studies.selection_changed.connect(self._on_study_selected)
        self.workspace_changed()

    # ---------------------------------------------------------------- state
    @property
    def running(self) -> bool:
        return self._task is not None

    def workspace_changed(self) -> None:
        ws = self.workspace
        self.studies.refresh(ws)
        if not self.running:
            shown = self._shown
            if shown is not None and (ws is None or Path(shown.study_dir).parent != ws.runs_dir):
                self._show(None)  # another workspace's study
                self.status.clear()
            if self._shown is None and self.studies.studies:  # where the last study stands
                self.studies.select(self.studies.studies[0]["id"])
        self._update_buttons()

    def _update_buttons(self) -> None:
        ws, running = self.workspace, self.running
        can_run = ws is not None and not running and self.form.value() is not None
        self.run_button.setEnabled(can_run)
        self.cancel_button.setEnabled(running)
        self.form.setEnabled(not running)
        self.studies.setEnabled(not running)  # the running study owns the plot and tables
        self.progress.setVisible(running)
        reason = "Open a workspace first." if ws is None else self.form.problem_text()
        self.reason_label.setText("" if running else reason)
        self.reason_label.setVisible(bool(self.reason_label.text()))
        study = self.studies.selected()
        resumable = study is not None and study["status"] in RESUMABLE
        self.resume_button.setEnabled(ws is not None and not running and resumable)
        shown = self._shown
        self.plot_button.setEnabled(not running and shown is not None and _exists(shown.plot))
        self.csv_button.setEnabled(not running and shown is not None and _exists(shown.csv))

    # ---------------------------------------------------------------- past studies
    def _on_study_selected(self) -> None:
        ws, study = self.workspace, self.studies.selected()
        if ws is None or study is None or self.running:
            self._update_buttons()
            return
        result = load_study(ws, study["id"])
        self._show(result)
        self.status.setText(_describe(result))
        self._update_buttons()

    def _show(self, result: StudyResult | None) -> None:
        self._shown = result
        summary = [] if result is None else result.summary
        cells = [] if result is None else result.results
        self.plot.set_results(summary, cells)
        self.tables.set_results(summary, cells, [] if result is None else result.comparisons)
        self._show_warnings([] if result is None else result.warnings)

    def _show_warnings(self, lines: list[str] | tuple[str, ...]) -> None:
        self.warnings_label.setText("<br>".join(f"⚠ {line}" for line in lines))
        self.warnings_label.setVisible(bool(lines))

    # ---------------------------------------------------------------- commands
    def run(self) -> None:
        ws, options = self.workspace, self.form.value()
        if ws is None or options is None or self.running:
            return
        self._launch("Experiment", options, None)

    def resume_selected(self) -> None:
        ws, study = self.workspace, self.studies.selected()
        if ws is None or study is None or self.running or study["status"] not in RESUMABLE:
            return
        self._launch(f"Experiment (resume {study['id']})", None, study["id"])

    def _launch(self, name: str, options: StudyOptions | None, resume: str | None) -> None:
        ws = self.workspace
        assert ws is not None

        def op(control: Control) -> Iterator[Event]:
            return ws.in_own_session(lambda own: run_study(own, options, control, resume=resume))

        # a resumed study's plot starts from its finished cells
        kept = load_study(ws, resume) if resume else None
        self._shown = None
        self._cells = {c.key: c for c in (kept.results if kept else ())}
        self._folds = (kept.options or {}).get("folds", 0) if kept else options.folds
        self._listed = False
        self._show_cells()
        self.progress.setRange(0, 0)
        self.status.setText("Starting (loading torch and the patches)…")
        self._task = task = self.ctx.tasks.start(name, op)
        task.event.connect(self._on_event)
        task.finished.connect(self._on_finished)
        task.failed.connect(lambda message, _tb: self.status.setText(f"Study failed: {message}"))
        task.ended.connect(self._on_ended)
        self._update_buttons()

    def cancel(self) -> None:
        if self._task is not None:
            self._task.stop()
            self.cancel_button.setEnabled(False)
            self.status.setText("Stopping after the current step; finished cells are kept…")

    def _open(self, path: str | None) -> None:
        if path and _exists(path):
            open_path(self, path)

    # ---------------------------------------------------------------- events
    def _on_event(self, ev: Event) -> None:
        stopping = self._task is None or self._task.control.stop_requested
        if not self._listed:  # the study's record is written before its first event
            self.studies.refresh(self.workspace)
            self._listed = any(s["status"] == "running" for s in self.studies.studies)
        if isinstance(ev, Progress) and ev.unit == "cells":
            self.progress.setRange(0, ev.total)
            self.progress.setValue(ev.done)
            self.progress.setFormat("%v / %m cells")
            if not stopping:
                self.status.setText(f"Now: {ev.message}")
        elif isinstance(ev, Progress) and not stopping:  # the fold's generator, by steps
            self.status.setText(f"{ev.message}: {ev.done:,} / {ev.total:,} {ev.unit}")
        elif isinstance(ev, CellFinished):
            c = ev.cell
            self._cells[c.key] = c
            self._show_cells()
            self.studies.refresh(self.workspace)  # its cells done

    def _show_cells(self) -> None:
        cells = list(self._cells.values())
        summary, comparisons = summarise(cells), compare(cells)
        self.plot.set_results(summary, cells)
        self.tables.set_results(summary, cells, comparisons)
        self._show_warnings(warnings(cells, comparisons, self._folds))

    def _on_finished(self, result: StudyResult | dict) -> None:
        if not isinstance(result, StudyResult):  # stopped before its folds were made
            self.status.setText("Study stopped before it began.")
            return
        self._show(result)
        self.status.setText(_describe(result))
        self.studies.refresh(self.workspace)
        self.studies.select(result.study)

    def _on_ended(self) -> None:
        self._task = None
        self.ctx.notify_changed()
        self._update_buttons()


def _button(text: str, tip: str, keys: str) -> QPushButton:
    button = QPushButton(text)
    if keys:
        # a button's shortcut acts only while its panel is shown: Train's same keys do not clash
        button.setShortcut(keys)
        tip = f"{tip} ({button.shortcut().toString()})"
    button.setToolTip(tip)
    return button


def _exists(path: str | None) -> bool:
    return bool(path) and Path(path).is_file()


def _describe(result: StudyResult) -> str:
    text = (
        f"Study <b>{result.study}</b>: {result.status}, {len(result.results)} of "
        f"{result.cells_total} cells."
    )
    if result.status in RESUMABLE:
        text += " Resume runs the cells it lacks."
    if result.options:
        text += f"<br>{StudyOptions.from_dict(result.options, strict=False).describe()}"
    return text
