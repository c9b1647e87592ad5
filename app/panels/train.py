"""Train: the hyperparameter form, Start / Pause / Stop / Checkpoint now, live curves and sample
grids, the workspace's runs (resume one) and a latent explorer.

Training runs through `ctx.tasks` (a worker thread); torch is imported there, when training
starts, never while the panel is built.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.control import Control
from mammogan_core.events import CheckpointSaved, Event, SampleGrid, StepMetrics
from mammogan_core.training import train
from mammogan_core.training.results import TrainResult
from mammogan_core.training.runs import run_history, steps_per_epoch, stored_train_config

from ..context import AppContext
from ..tasks import show_pause_state
from ..training_view.form import HyperparameterForm
from ..training_view.latent_view import LatentExplorer
from ..training_view.live import LiveView
from ..training_view.runs import RunsList
from ..training_view.status import TrainingStatus
from ..workers import Task
from .base import Panel

RESUMABLE = ("stopped", "failed", "interrupted")  # a finished run: with more epochs
_COUNTS_SQL = (  # the pathology is the finding's, as the trainer selects it
    "SELECT p.label, p.lesion_type, p.split, f.pathology, COUNT(*) FROM patches p "
    "LEFT JOIN findings f ON f.id = p.finding_id GROUP BY 1, 2, 3, 4"
)


class TrainPanel(Panel):
    title = "Train"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._task: Task | None = None
        self._stopping = False
        self._known_runs: set[str] = set()
        self._history_of: Path | None = None  # the workspace whose last run the view shows
        self._run_id: str | None = None
        self.shortcuts: dict[str, QShortcut] = {}

        self.form = HyperparameterForm()
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        self.start_button = self._button(
            "Start", "Start training with these settings", "Ctrl+Return"
        )
        self.start_button.setObjectName("primaryButton")
        self.pause_button = self._button("Pause", "Pause or resume training", "Space")
        self.pause_button.setCheckable(True)
        self.stop_button = self._button(
            "Stop", "Stop training; a checkpoint is saved first", "Ctrl+."
        )
        self.checkpoint_button = self._button(
            "Checkpoint now", "Save a checkpoint at the next step", "Ctrl+S"
        )
        self.reason_label = QLabel()
        self.reason_label.setWordWrap(True)
        self.reason_label.setStyleSheet("color: #c0392b;")
        buttons = QGridLayout()
        for i, b in enumerate(
            (self.start_button, self.pause_button, self.stop_button, self.checkpoint_button)
        ):
            buttons.addWidget(b, i // 2, i % 2)
        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 6, 0)
        left_lay.addWidget(scroll, 1)
        left_lay.addLayout(buttons)
        left_lay.addWidget(self.reason_label)
        left.setMinimumWidth(260)  # the form scrolls sideways in a small window

        self.live = LiveView()
        self.resume_button = self._button(
            "Resume selected run",
            "Continue the run from its last checkpoint, up to the epoch set beside "
            "(a finished run: set more epochs)",
            "Ctrl+R",
        )
        self.until_epoch = QSpinBox()
        self.until_epoch.setRange(1, 1_000_000)
        self.until_epoch.setToolTip("Train the selected run until this epoch")
        self._until_run: str | None = None  # the run whose epochs the box shows
        self.explore_button = QPushButton("Explore its latent space")
        self.runs = RunsList((self.resume_button, self.explore_button))
        until = QHBoxLayout()
        until.addWidget(QLabel("Resume until epoch:"))
        until.addWidget(self.until_epoch)
        until.addStretch(1)
        self.runs.side_layout.addLayout(until)
        self.explorer = LatentExplorer(ctx)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.live, "Live training")
        self.tabs.addTab(self.runs, "Runs")
        self.tabs.addTab(self.explorer, "Latent explorer")
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setStretchFactor(1, 1)
        # the form's own width (no sideways scrolling) where the window has room for it
        bar = scroll.verticalScrollBar().sizeHint().width()
        split.setSizes(
            [self.form.minimumSizeHint().width() + bar + 2 * scroll.frameWidth() + 6, 1000]
        )
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("<h2>Train</h2>"))
        lay.addWidget(split, 1)

        self.start_button.clicked.connect(self.start)
        self.pause_button.toggled.connect(self._on_pause)
        self.stop_button.clicked.connect(self.stop)
        self.checkpoint_button.clicked.connect(self._request_checkpoint)
        self.resume_button.clicked.connect(self.resume_selected)
        self.explore_button.clicked.connect(self._explore_selected)
        self.form.changed.connect(self._update_buttons)
        self.runs.selection_changed.connect(self._on_run_selected)
        self.until_epoch.valueChanged.connect(self._update_buttons)
        self.workspace_changed()

    def _button(self, text: str, tip: str, keys: str) -> QPushButton:
        """A button with a panel-wide shortcut (active while focus is inside the panel)."""
        button = QPushButton(text)
        seq = QKeySequence(keys)
        button.setToolTip(f"{tip} ({seq.toString(QKeySequence.SequenceFormat.NativeText)})")
        shortcut = QShortcut(seq, self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(lambda: button.isEnabled() and button.click())
        self.shortcuts[keys] = shortcut
        return button

    # ---------------------------------------------------------------- state
    @property
    def status(self) -> TrainingStatus:
        return self.live.status

    @property
    def training(self) -> bool:
        return self._task is not None

    def workspace_changed(self) -> None:
        ws = self.workspace
        self.form.set_patch_counts(
            None if ws is None else [tuple(r) for r in ws.query(_COUNTS_SQL)]
        )
        self._refresh_runs()
        # on opening a workspace, show where its training stands (not after each change:
        # the live view of a run that just ended stays as it was)
        if ws is not None and ws.root != self._history_of and not self.training and self.runs.runs:
            self.live.show_past_run(ws, self.runs.runs[0])  # newest first
        self._history_of = None if ws is None else ws.root

    def _refresh_runs(self) -> None:
        """The runs table and the explorer's runs (those with a checkpoint)."""
        ws = self.workspace
        self.runs.refresh(ws)
        self.explorer.set_runs(self.runs.with_checkpoints())
        self._update_buttons()

    def _update_buttons(self) -> None:
        ws, running = self.workspace, self.training
        if ws is None:
            reason = "Open a workspace first."
        elif running:
            reason = ""
        else:
            reason = self.form.problem_text()
        can_start = ws is not None and not running and self.form.value() is not None
        self.start_button.setEnabled(can_start)
        tip = self.start_button.toolTip().split("\n")[0]
        self.start_button.setToolTip(tip if can_start else f"{tip}\nCannot start: {reason}")
        self.reason_label.setText("" if can_start or running else reason)
        self.form.setEnabled(not running)
        self.pause_button.setEnabled(running and not self._stopping)
        self.shortcuts["Space"].setEnabled(running)  # Space is free otherwise
        self.stop_button.setEnabled(running and not self._stopping)
        self.checkpoint_button.setEnabled(
            running and not self._stopping and not self.pause_button.isChecked()
        )
        run = self.runs.selected()
        self.resume_button.setEnabled(ws is not None and not running and self._resumable(run))
        self.explore_button.setEnabled(
            run is not None and run["id"] in self.runs.with_checkpoints()
        )

    def _resumable(self, run: dict | None) -> bool:
        if run is None:
            return False
        more = self.until_epoch.value() > int(run["config"].get("epochs", 0))
        return run["status"] in RESUMABLE or (run["status"] == "finished" and more)

    def _on_run_selected(self) -> None:
        run = self.runs.selected()
        if run is not None and run["id"] != self._until_run:  # a refresh keeps the user's value
            self._until_run = run["id"]
            self.until_epoch.setValue(int(run["config"].get("epochs", 1)))
        self._update_buttons()

    # ---------------------------------------------------------------- commands
    def start(self) -> None:
        ws, config = self.workspace, self.form.value()
        if ws is None or config is None or self.training:
            return
        self._launch(
            f"Training ({config.preset})",
            lambda control: ws.in_own_session(lambda own: train(own, config, control)),
            config.epochs,
        )

    def resume_selected(self) -> None:
        ws, run = self.workspace, self.runs.selected()
        if ws is None or self.training or not self._resumable(run):
            return
        run_id, epochs = run["id"], self.until_epoch.value()
        history = run_history(ws, run_id)
        self._launch(
            f"Training (resume {run_id})",
            # the stored config is read in the worker: an unreadable one reaches the error dialog
            lambda control: ws.in_own_session(
                lambda own: train(
                    own,
                    stored_train_config(own, run_id).with_(epochs=epochs),
                    control,
                    resume=run_id,
                )
            ),
            epochs,
            run_id,
        )
        self.live.curves.load(history)
        self.status.set_value("Checkpoint", f"step {run['step']:,}")

    def stop(self) -> None:
        if self._task is not None:
            self._stopping = True
            self.pause_button.setChecked(False)
            self._task.stop()
            self.status.state.setText("Stopping: saving a checkpoint…")
            self._update_buttons()

    def _request_checkpoint(self) -> None:
        if self._task is not None:
            self._task.control.request_checkpoint()
            self.status.state.setText("Checkpoint requested: it is saved after the current step")

    def _on_pause(self, paused: bool) -> None:
        if self._task is None or self._stopping:
            self._show_paused(paused)
        elif paused:
            self._task.pause()  # the task's paused_changed updates this panel and the status bar
        else:
            self._task.resume()

    def _show_paused(self, paused: bool) -> None:
        """Follow the task's state, whoever changed it (this button or the status bar's)."""
        show_pause_state(self.pause_button, paused)
        if self._task is not None and not self._stopping:
            self.status.state.setText(
                "Paused (press Resume or Space to continue)" if paused else "Training…"
            )
        self._update_buttons()

    def _explore_selected(self) -> None:
        run = self.runs.selected()
        if run is not None:
            self.explorer.run_box.setCurrentText(run["id"])
            self.tabs.setCurrentWidget(self.explorer)

    def _launch(
        self,
        name: str,
        op: Callable[[Control], Iterator[Event]],
        epochs: int,
        run_id: str | None = None,
    ) -> None:
        self._known_runs = {r["id"] for r in self.runs.runs}
        self._run_id, self._stopping = run_id, False
        self.live.reset(run_id or "starting…", epochs)
        self.status.state.setText("Starting (loading torch and the patches)…")
        task = self.ctx.tasks.start(name, op)
        self._task = task
        task.event.connect(self._on_event)
        task.paused_changed.connect(self._show_paused)
        task.finished.connect(
            lambda result: (
                isinstance(result, TrainResult)
                or self.status.state.setText("Stopped before the run began")
            )
        )
        task.failed.connect(lambda message, _tb: self.status.state.setText(f"Failed: {message}"))
        task.ended.connect(self._on_ended)
        self.tabs.setCurrentWidget(self.live)
        self._update_buttons()

    # ---------------------------------------------------------------- events
    def _on_event(self, ev: Event) -> None:
        self.live.show_event(ev)
        if isinstance(ev, StepMetrics):
            if not self.pause_button.isChecked() and not self._stopping:
                self.status.state.setText("Training…")
        elif isinstance(ev, SampleGrid) and ev.kind == "real":  # the run's row exists now
            self._show_run()
        elif isinstance(ev, CheckpointSaved):
            self._refresh_runs()  # its step, and the explorer may use the run now

    def _show_run(self) -> None:
        self._refresh_runs()
        if self._run_id is None:
            new = [r["id"] for r in self.runs.runs if r["id"] not in self._known_runs]
            self._run_id = new[0] if new else None
        if self._run_id and self.workspace is not None:
            self.status.set_value("Run", self._run_id)
            self.runs.select(self._run_id)
            # its length is known now (steps per epoch follow the patches it selected); a
            # resumed run starts at its checkpoint's step
            spe = steps_per_epoch(self.workspace, self._run_id)
            run = self.runs.selected()
            if spe and self.status.epochs and run is not None:
                self.status.set_total(spe * self.status.epochs, int(run["step"] or 0))

    def _on_ended(self) -> None:
        self._task, self._stopping = None, False
        self.pause_button.setChecked(False)
        self.ctx.notify_changed()  # runs list, explorer and other panels refresh
        self._update_buttons()
