"""The task manager and its status-bar indicator (progress, pause and cancel of running work)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractButton,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QToolButton,
    QWidget,
)

from mammogan_core.events import Event, ItemError, Log, Progress, Result

from .workers import OperationFactory, Task


def show_progress(bar: QProgressBar, ev: Progress, message: bool = False) -> None:
    """A Progress event on a bar (left as it is while the total is unknown); `message`: put the
    event's message before the count."""
    if ev.total <= 0:
        return
    bar.setRange(0, ev.total)
    bar.setValue(min(ev.done, ev.total))
    count = f"%v / %m {ev.unit}"
    bar.setFormat(f"{ev.message}: {count}" if message and ev.message else count)


def show_pause_state(button: QAbstractButton, paused: bool) -> None:
    """A checkable Pause/Resume button showing a task's state without toggling it again."""
    button.blockSignals(True)
    button.setChecked(paused)
    button.blockSignals(False)
    button.setText("Resume" if paused else "Pause")


class TaskManager(QObject):
    """Starts tasks and remembers which are running; the window asks it before closing."""

    task_started = Signal(object)  # Task
    log = Signal(str, str)  # level, message
    error = Signal(str, str, str)  # task name, message, traceback

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: list[Task] = []

    def start(self, name: str, factory: OperationFactory) -> Task:
        task = Task(name, factory, self)
        task.event.connect(self._on_event)
        task.failed.connect(lambda msg, tb, t=task: self.error.emit(t.name, msg, tb))
        task.finished.connect(lambda s, t=task: self._on_finished(t, s))
        task.ended.connect(lambda t=task: self._forget(t))
        self._tasks.append(task)
        self.log.emit("info", f"{name}: started")
        task.start()
        self.task_started.emit(task)
        return task

    @property
    def running(self) -> list[Task]:
        return [t for t in self._tasks if t.running]

    def stop_all(self, timeout_ms: int = 60_000) -> bool:
        """Ask every task to stop (they save what they have) and wait for them."""
        tasks = list(self._tasks)
        for t in tasks:
            t.stop()
        return all(t.wait(timeout_ms) for t in tasks)

    def _on_event(self, ev: Event) -> None:
        if isinstance(ev, Log):
            self.log.emit(ev.level, ev.message)
        elif isinstance(ev, ItemError):
            self.log.emit("error", f"{ev.path}: {ev.reason}")

    def _on_finished(self, task: Task, summary: Result | dict) -> None:
        d = summary.to_dict() if isinstance(summary, Result) else summary
        state = "stopped" if d.get("stopped") or d.get("status") == "stopped" else "finished"
        self.log.emit("info", f"{task.name}: {state}")

    def _forget(self, task: Task) -> None:
        if task in self._tasks:
            self._tasks.remove(task)
        task.deleteLater()


class TaskIndicator(QWidget):
    """Status-bar widget: the name and progress of the latest task, pause and cancel buttons."""

    def __init__(self, manager: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._task: Task | None = None
        self.label = QLabel("Ready")
        self.bar = QProgressBar()
        self.bar.setFixedWidth(220)
        self.bar.setTextVisible(True)
        self.pause_button = QToolButton()
        self.pause_button.setText("Pause")
        self.pause_button.setCheckable(True)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop the running task (it keeps what it has done)")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for w in (self.label, self.bar, self.pause_button, self.cancel_button):
            lay.addWidget(w)
        self.pause_button.toggled.connect(self._on_pause)
        self.cancel_button.clicked.connect(self._on_cancel)
        manager.task_started.connect(self.track)
        self._set_idle()

    @Slot(object)
    def track(self, task: Task) -> None:
        self._task = task
        self.label.setText(task.name)
        self.bar.setRange(0, 0)  # busy until the first progress event
        for w in (self.bar, self.pause_button, self.cancel_button):
            w.setVisible(True)
        self.cancel_button.setEnabled(True)
        self._show_paused(task.paused)
        task.event.connect(self._on_event)
        task.paused_changed.connect(lambda p, t=task: t is self._task and self._show_paused(p))
        task.ended.connect(self._set_idle)

    def _on_event(self, ev: Event) -> None:
        if isinstance(ev, Progress):
            show_progress(self.bar, ev)
            if ev.message:
                self.label.setText(f"{self._task.name if self._task else ''}: {ev.message}")

    def _on_pause(self, paused: bool) -> None:
        if self._task is None:
            return
        if paused:
            self._task.pause()
        else:
            self._task.resume()

    def _show_paused(self, paused: bool) -> None:
        """Follow the task, whoever paused it (this button or a panel's)."""
        show_pause_state(self.pause_button, paused)

    def _on_cancel(self) -> None:
        if self._task is not None:
            self._task.stop()
            self.cancel_button.setEnabled(False)
            self.label.setText(f"{self._task.name}: stopping…")

    def _set_idle(self) -> None:
        sender_task = self._task
        if sender_task is not None and sender_task.running:
            return
        self._task = None
        self.label.setText("Ready")
        self._show_paused(False)
        for w in (self.bar, self.pause_button, self.cancel_button):
            w.setVisible(False)
        self.label.setAlignment(Qt.AlignmentFlag.AlignVCenter)
