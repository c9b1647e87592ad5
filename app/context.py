"""What panels share: the open workspace, the task manager, logging and navigation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal

from mammogan_core.workspace import Workspace

from .tasks import TaskManager


class AppContext(QObject):
    workspace_changed = Signal()
    navigate = Signal(str, dict)  # panel name, arguments for the panel

    def __init__(self, parent: QObject | None = None, settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.settings = settings  # the window's QSettings: per-user choices (the run picked)
        self.workspace: Workspace | None = None
        self.tasks = TaskManager(self)

    def set_workspace(self, ws: Workspace | None) -> None:
        if self.workspace is not None and self.workspace is not ws:
            self.workspace.close()
        self.workspace = ws
        self.workspace_changed.emit()

    def notify_changed(self) -> None:
        """Work changed the workspace's contents: panels refresh."""
        self.workspace_changed.emit()

    def show_panel(self, name: str, **kwargs: Any) -> None:
        self.navigate.emit(name, kwargs)

    def log(self, level: str, message: str) -> None:
        self.tasks.log.emit(level, message)
