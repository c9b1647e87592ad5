"""Evaluate: a run and checkpoint; real and synthetic patches side by side; Evaluate (the core's
`mammogan evaluate`, in a worker with progress and cancel) filling the metrics table across runs
and checkpoints, with a metric plotted over training; the t-SNE map; the memorisation view.

torch is imported in the workers only, when work starts, never while the panel is built.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.control import Control
from mammogan_core.events import Event, Progress
from mammogan_core.metrics.options import EvaluateOptions
from mammogan_core.metrics.registry import spec
from mammogan_core.metrics.report import read_memorisation
from mammogan_core.metrics.results import MetricsResult
from mammogan_core.metrics.table import SAME
from mammogan_core.metrics.user_settings import INCEPTION_KEY, remember, remembered_path

from ..context import AppContext
from ..evaluate_view.evaluations import Evaluation, load_evaluations, read_report
from ..evaluate_view.memorisation_view import MemorisationView
from ..evaluate_view.metric_plot import MetricPlot
from ..evaluate_view.metrics_table import MetricsTable
from ..evaluate_view.run_picker import RunPicker
from ..evaluate_view.sample_grids import SampleComparison
from ..evaluate_view.tsne_tab import TsneTab
from ..forms import SettingsForm
from ..tasks import show_progress
from ..workers import Task
from .base import Panel

NO_WEIGHTS = (
    "<b>FID is not computed: no Inception weights file.</b> Download pytorch-fid's "
    "<i>pt_inception-2015-12-05-6726825d.pth</i> (91 MB; torch-fidelity's file works too) and "
    "choose it in <i>Inception weights</i> below; it is remembered for later evaluations, here "
    "and in <code>mammogan evaluate</code>. KID, precision/recall, radiomics FD, diversity, the "
    "1-NN two-sample test and the memorisation check need no weights and run without it."
)
WEIGHTS_GONE = (
    "<b>FID is not computed: the Inception weights file {path} is gone</b> (moved or deleted). "
    "Choose it again in <i>Inception weights</i> below; the other metrics run without it."
)


class EvaluatePanel(Panel):
    title = "Evaluate"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._task: Task | None = None

        self.picker = RunPicker(ctx.settings)
        # the t-SNE map has its own tab, settings and button
        self.form = SettingsForm(EvaluateOptions, exclude=("run", "checkpoint", "tsne"))
        # the file remembered from an earlier evaluation, checked now and again when used
        remembered = remembered_path(INCEPTION_KEY)
        self._weights_gone = remembered if remembered and not remembered.is_file() else None
        weights = "" if remembered is None or self._weights_gone else str(remembered)
        self.form.set_value(EvaluateOptions(inception_weights=weights))
        self.weights_note = QLabel(NO_WEIGHTS)
        self.weights_note.setObjectName("weightsNote")
        self.weights_note.setWordWrap(True)
        self.weights_note.setStyleSheet(
            "QLabel { background: #fff4d6; border: 1px solid #e0b64c; padding: 6px; }"
        )
        self.evaluate_button = QPushButton("Evaluate")
        self.evaluate_button.setObjectName("primaryButton")
        self.evaluate_button.setToolTip(
            "Measure the checkpoint's samples against its training patches"
        )
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the evaluation; nothing is stored")
        self.progress = QProgressBar()
        self.status = QLabel("")
        self.status.setObjectName("evaluateStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.evaluate_button)
        buttons.addWidget(self.cancel_button)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 6, 0)
        column.addWidget(self.picker)
        # the note scrolls with the form: a wrapped label in a scroll area gets its height
        fields = QWidget()
        fields_lay = QVBoxLayout(fields)
        fields_lay.setContentsMargins(0, 0, 0, 0)
        fields_lay.addWidget(self.weights_note)
        fields_lay.addWidget(self.form)
        fields_lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(fields)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        # the fields keep their width: the column is as wide as the form, never scrolled sideways
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        bar = scroll.verticalScrollBar().sizeHint().width()
        scroll.setMinimumWidth(self.form.minimumSizeHint().width() + bar)
        column.addWidget(scroll, 1)
        column.addLayout(buttons)
        column.addWidget(self.progress)
        column.addWidget(self.status)

        self.samples = SampleComparison(ctx)
        self.table = MetricsTable()
        self.metric_plot = MetricPlot()
        metrics = QSplitter(Qt.Orientation.Vertical)
        metrics.addWidget(self.table)
        metrics.addWidget(self.metric_plot)
        self.tsne = TsneTab(ctx)
        self.memorisation = MemorisationView()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.samples, "Samples")
        self.tabs.addTab(metrics, "Metrics")
        self.tabs.addTab(self.tsne, "t-SNE map")
        self.tabs.addTab(self.memorisation, "Memorisation")

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("<h2>Evaluate</h2>"))
        lay.addWidget(split, 1)

        self.picker.changed.connect(self._run_changed)
        self.form.changed.connect(self._show_weights_note)
        self.evaluate_button.clicked.connect(self.start_evaluation)
        self.cancel_button.clicked.connect(self.cancel)
        self.table.evaluation_chosen.connect(self.show_evaluation)
        self._show_weights_note()
        self.workspace_changed()

    # ---------------------------------------------------------------- state
    def workspace_changed(self) -> None:
        self.picker.refresh(self.workspace)
        self.refresh_metrics()
        self._set_busy(self._task is not None)

    def _run_changed(self) -> None:
        source = (self.workspace, self.picker.run, self.picker.checkpoint)
        self.samples.show_run(*source)
        self.tsne.show_run(*source)
        self._set_busy(self._task is not None)

    def _set_busy(self, busy: bool) -> None:
        ready = self.workspace is not None and bool(self.picker.run)
        self.evaluate_button.setEnabled(ready and not busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)
        if self.workspace is not None and not self.picker.run and not busy:
            self.status.setText("No trained run with a checkpoint yet: train one in Train.")

    def _show_weights_note(self) -> None:
        value = self.form.value()
        gone = self._weights_gone
        self.weights_note.setText(
            WEIGHTS_GONE.format(path=html.escape(str(gone))) if gone else NO_WEIGHTS
        )
        self.weights_note.setVisible(value is not None and not value.inception_weights)

    def _weights_ready(self, given: str) -> bool:
        """False (the note says why) when the chosen weights file is gone: the field is
        cleared, so Evaluate again runs without FID. A file that is there is remembered."""
        if not given:
            return True
        path = Path(given).expanduser()
        if not path.is_file():
            self._weights_gone = path
            self.form.set_value(dataclasses.replace(self.form.value(), inception_weights=""))
            self._show_weights_note()
            self.status.setText("The Inception weights file is gone: see the note above.")
            return False
        self._weights_gone = None
        remember(INCEPTION_KEY, str(path.resolve()))
        return True

    def refresh_metrics(self) -> None:
        rows = [] if self.workspace is None else load_evaluations(self.workspace)
        self.table.show_evaluations(rows)
        self.metric_plot.show_evaluations(rows)

    def show_evaluation(self, ev: Evaluation) -> None:
        self.memorisation.show_report(
            read_report(ev.report_dir), read_memorisation(ev.report_dir) if ev.report_dir else None
        )

    # ---------------------------------------------------------------- evaluation
    def start_evaluation(self) -> None:
        ws, value = self.workspace, self.form.value()
        if ws is None or self._task is not None or not self.picker.run:
            return
        if value is None:
            self.status.setText(self.form.problem_text())
            return
        if not self._weights_ready(value.inception_weights):
            return
        options = dataclasses.replace(value, run=self.picker.run, checkpoint=self.picker.checkpoint)

        def work(control: Control) -> Iterator[Event]:
            from mammogan_core.metrics.evaluate import evaluate_run  # imports torch

            return ws.in_own_session(lambda own: evaluate_run(own, options, control))

        self.status.setText(f"Evaluating {options.run} ({options.checkpoint})…")
        self.progress.setRange(0, 0)
        self._task = task = self.ctx.tasks.start("Evaluate", work)
        task.event.connect(self._on_event)
        task.finished.connect(self._show_result)
        task.failed.connect(
            lambda message, _tb: self.status.setText(f"Evaluation failed: {message}")
        )
        task.ended.connect(self._ended)
        self._set_busy(True)

    def cancel(self) -> None:
        if self._task is not None:
            self._task.stop()
            self.status.setText("Stopping the evaluation…")

    def _on_event(self, ev: Event) -> None:
        if isinstance(ev, Progress):
            show_progress(self.progress, ev, message=True)

    def _show_result(self, result: MetricsResult | dict) -> None:
        if not isinstance(result, MetricsResult):
            self.status.setText("Evaluation stopped: nothing was stored.")
            return
        copies = len(result.memorised)
        parts = [
            f"{spec(name).label} {m['value']:.4g} [{m['ci'][0]:.3g}, {m['ci'][1]:.3g}], "
            f"floor {m['floor']:.3g}" + (f" ({SAME})" if m["indistinguishable_from_real"] else "")
            for name, m in result.metrics.items()
            if name in ("fid", "kid", "nn_accuracy")
        ]
        if "fid" not in result.metrics:
            parts.insert(0, "FID skipped (no weights file)")
        weights = result.inception_weights or {}
        notes = [f"FID from {weights['label']}"] if weights.get("label") else []
        notes += [w for w in result.warnings if "custom weights" not in w]
        self.status.setText(
            f"Done: {'; '.join(parts)}; {copies} suspected cop{'y' if copies == 1 else 'ies'}. "
            + "".join(f"Note: {n}. " for n in notes)
            + f"Report: {result.report_dir}"
        )
        self.refresh_metrics()
        self.table.select_report(result.report_dir or "")
        self.tabs.setCurrentIndex(1)
        self._show_weights_note()

    def _ended(self) -> None:
        self._task = None
        self._set_busy(False)
