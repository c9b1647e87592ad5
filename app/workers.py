"""Run core operations (generators of events) off the GUI thread.

A `Task` owns a QThread and a `_Worker` moved onto it. The worker iterates the generator and
sends events to the GUI thread by queued signals; only GUI-thread slots touch widgets. Stop asks
the operation (through its `Control`) to finish cleanly; a thread is never killed.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from mammogan_core.control import Control, Stopped
from mammogan_core.errors import MammoganError
from mammogan_core.events import Event, Finished, Progress, Result

OperationFactory = Callable[[Control], Iterator[Event]]

_PROGRESS_INTERVAL_S = 0.05  # at most 20 progress updates a second reach the GUI


class _Worker(QObject):
    event = Signal(object)
    finished = Signal(object)
    failed = Signal(str, str)

    def __init__(self, factory: OperationFactory, control: Control) -> None:
        super().__init__()
        self._factory = factory
        self._control = control

    @Slot()
    def run(self) -> None:
        try:
            self._run()
        finally:
            # End the thread from inside, so the GUI thread can wait() for it without first
            # returning to its event loop (closing the window waits for running work).
            self.thread().quit()

    def _run(self) -> None:
        summary: Result | dict[str, Any] = {}
        pending: Progress | None = None
        last_sent = 0.0
        try:
            for ev in self._factory(self._control):
                if isinstance(ev, Progress):
                    now = time.monotonic()
                    if now - last_sent < _PROGRESS_INTERVAL_S and ev.done < ev.total:
                        pending = ev
                        continue
                    last_sent, pending = now, None
                elif isinstance(ev, Finished):
                    summary = ev.summary
                self.event.emit(ev)
            if pending is not None:
                self.event.emit(pending)
        except Stopped:
            summary = {"stopped": True}
        except MammoganError as exc:
            self.failed.emit(str(exc), traceback.format_exc())
            return
        except Exception as exc:  # logged with its traceback where it is shown (the Log dock)
            self.failed.emit(f"{type(exc).__name__}: {exc}", traceback.format_exc())
            return
        if self._control.stop_requested and isinstance(summary, dict):
            summary = {"stopped": True, **summary}  # a Result says its status itself
        self.finished.emit(summary)


class Task(QObject):
    """A running operation, seen from the GUI thread."""

    event = Signal(object)  # every Event (progress throttled)
    finished = Signal(object)  # the Finished summary: a Result, or a dict ({"stopped": True})
    failed = Signal(str, str)  # message, traceback
    ended = Signal()  # after finished or failed, once the thread has quit
    paused_changed = Signal(bool)  # every view of the task (status bar, panel) follows it

    def __init__(self, name: str, factory: OperationFactory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.control = Control()
        self._thread = QThread()
        self._thread.setObjectName(f"task:{name}")
        self._worker = _Worker(factory, self.control)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.event.connect(self.event)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._started = False

    def start(self) -> None:
        self._started = True
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._started and not self._thread.isFinished()

    def stop(self) -> None:
        was_paused = self.control.paused
        self.control.stop()  # wakes a paused operation up
        if was_paused:
            self.paused_changed.emit(False)

    @property
    def paused(self) -> bool:
        return self.control.paused

    def pause(self) -> None:
        self._set_paused(True)

    def resume(self) -> None:
        self._set_paused(False)

    def _set_paused(self, paused: bool) -> None:
        if paused == self.control.paused:
            return
        if paused:
            self.control.pause()
        else:
            self.control.resume()
        self.paused_changed.emit(paused)

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the thread has ended (used when the window closes)."""
        if not self._thread.isRunning():
            return True
        return self._thread.wait(timeout_ms)

    @Slot(object)
    def _on_finished(self, summary: Result | dict[str, Any]) -> None:
        self._end()
        self.finished.emit(summary)
        self.ended.emit()

    @Slot(str, str)
    def _on_failed(self, message: str, tb: str) -> None:
        self._end()
        self.failed.emit(message, tb)
        self.ended.emit()

    def _end(self) -> None:
        self._thread.wait()
