"""The main window: welcome page, one panel per workflow step, task indicator and log."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QPlainTextEdit,
    QStackedWidget,
    QWidget,
)

from mammogan_core import last_workspace
from mammogan_core.errors import MammoganError
from mammogan_core.workspace import Workspace

from . import dialogs, help
from .context import AppContext
from .logs import log_shown
from .panels import PANELS
from .panels.base import Panel, PlaceholderPanel
from .tasks import TaskIndicator
from .welcome import WelcomePage

MAX_RECENT = 8


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.ctx = AppContext(self, self.settings)
        self.setWindowTitle("MammoGAN")
        self._panels: dict[str, QWidget] = {}

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(170)
        self.stack = QStackedWidget()
        self.welcome = WelcomePage()
        self.stack.addWidget(self.welcome)
        self._names = ["welcome"] + [p[0] for p in PANELS]
        self.nav.addItem("Welcome")
        for _name, title, _spec, _coming in PANELS:
            self.nav.addItem(title)
            self.stack.addWidget(QWidget())  # replaced by the real panel when first shown
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.log_view = QPlainTextEdit()
        self.log_view.setReadOnly(True)
        self.log_view.setMaximumBlockCount(5000)
        self.log_dock = QDockWidget("Log", self)
        self.log_dock.setObjectName("logDock")
        self.log_dock.setWidget(self.log_view)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.log_dock)
        self.resizeDocks([self.log_dock], [110], Qt.Orientation.Vertical)  # the work comes first

        self.workspace_label = QLabel("No workspace")
        self.indicator = TaskIndicator(self.ctx.tasks)
        self.statusBar().addWidget(self.workspace_label, 1)
        self.statusBar().addPermanentWidget(self.indicator)

        self._build_menus()
        self.nav.currentRowChanged.connect(self._on_nav)
        self.welcome.open_requested.connect(self.choose_workspace)
        self.welcome.new_requested.connect(self.new_workspace)
        self.welcome.demo_requested.connect(self.open_demo)
        self.welcome.recent_chosen.connect(self.open_workspace)
        self.ctx.tasks.log.connect(self.append_log)
        self.ctx.tasks.error.connect(self._on_task_error)
        self.ctx.navigate.connect(self._on_navigate)
        self.welcome.set_recent(self.recent_workspaces())
        self.nav.setCurrentRow(0)
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)

    # ---------------------------------------------------------------- menus
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&New workspace…", QKeySequence.StandardKey.New, self.new_workspace)
        self._action(
            file_menu, "&Open workspace…", QKeySequence.StandardKey.Open, self.choose_workspace
        )
        self._action(file_menu, "Open the &demo", "Ctrl+D", self.open_demo)
        self._action(
            file_menu, "Open &review package…", QKeySequence(), lambda: self.open_review_package()
        )
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", "Ctrl+Q", self.close)
        view_menu = self.menuBar().addMenu("&View")
        for i, name in enumerate(self._names):
            title = "Welcome" if name == "welcome" else PANELS[i - 1][1]
            # `triggered` passes `checked`: a lambda default would receive it instead of the name
            self._action(
                view_menu, title, f"Ctrl+{i + 1}", lambda _checked=False, n=name: self.show_panel(n)
            )
        view_menu.addSeparator()
        view_menu.addAction(self.log_dock.toggleViewAction())
        self.log_dock.toggleViewAction().setShortcut("Ctrl+L")
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&User guide", QKeySequence(), lambda: help.open_user_guide(self))
        self._action(help_menu, "&Keyboard shortcuts", "F1", lambda: help.show_shortcuts(self))
        self._action(help_menu, "&About MammoGAN", QKeySequence(), lambda: help.show_about(self))

    def _action(self, menu: Any, text: str, shortcut: Any, slot: Any) -> QAction:
        act = QAction(text, self)
        act.setShortcut(shortcut)
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    # ---------------------------------------------------------------- panels
    def show_panel(self, name: str) -> QWidget:
        row = self._names.index(name)
        self.nav.setCurrentRow(row)
        return self.panel(name)

    def panel(self, name: str) -> QWidget:
        if name == "welcome":
            return self.welcome
        if name not in self._panels:
            self._panels[name] = self._create_panel(name)
            row = self._names.index(name)
            old = self.stack.widget(row)
            self.stack.insertWidget(row, self._panels[name])
            self.stack.removeWidget(old)
            old.deleteLater()
        return self._panels[name]

    def _create_panel(self, name: str) -> Panel:
        _n, title, spec, coming = next(p for p in PANELS if p[0] == name)
        if spec is None:
            return PlaceholderPanel(self.ctx, title, f"Coming soon. {coming}")
        module, cls = spec.split(":")
        panel_cls = getattr(importlib.import_module(module), cls)
        panel = panel_cls(self.ctx)
        self.ctx.workspace_changed.connect(panel.workspace_changed)
        if self.ctx.workspace is not None:
            panel.workspace_changed()
        return panel

    @Slot(int)
    def _on_nav(self, row: int) -> None:
        if row < 0:
            return
        self.panel(self._names[row])
        self.stack.setCurrentIndex(row)

    @Slot(str, dict)
    def _on_navigate(self, name: str, kwargs: dict) -> None:
        panel = self.show_panel(name)
        if kwargs and hasattr(panel, "show_args"):
            panel.show_args(**kwargs)

    # ---------------------------------------------------------------- workspaces
    def recent_workspaces(self) -> list[str]:
        value = self.settings.value("recent", [])
        paths = [value] if isinstance(value, str) else list(value or [])
        return [p for p in paths if Path(p, "workspace.json").exists()]

    def _remember(self, path: str) -> None:
        paths = [path] + [p for p in self.recent_workspaces() if p != path]
        self.settings.setValue("recent", paths[:MAX_RECENT])
        self.welcome.set_recent(paths[:MAX_RECENT])

    def open_workspace(self, path: str | Path) -> bool:
        try:
            ws = Workspace.open(path)
        except MammoganError as exc:
            dialogs.show_error(self, "Cannot open workspace", str(exc))
            return False
        self.ctx.set_workspace(ws)
        self.workspace_label.setText(f"Workspace: {ws.root}")
        self.setWindowTitle(f"MammoGAN — {ws.root.name}")
        self._remember(str(ws.root))
        last_workspace.remember(ws.root)  # `mammogan info` and `runs` fall back to it
        self.append_log("info", f"opened workspace {ws.root}")
        if self.nav.currentRow() == 0:
            self.show_panel("data")
        return True

    @Slot()
    def choose_workspace(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open workspace")
        if path:
            self.open_workspace(path)

    @Slot()
    def new_workspace(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, "Choose an empty folder for the new workspace"
        )
        if not path:
            return
        try:
            Workspace.create(path).close()
        except MammoganError as exc:
            dialogs.show_error(self, "Cannot create workspace", str(exc))
            return
        self.open_workspace(path)

    @Slot()
    def open_demo(self) -> None:
        from mammogan_core.demo import default_demo_dir, demo_steps, is_complete_demo

        folder = default_demo_dir()
        if is_complete_demo(folder):
            self.open_workspace(folder)
            return
        task = self.ctx.tasks.start("Demo", lambda control: demo_steps(folder, control))

        def opened(summary: dict) -> None:
            if not summary.get("stopped"):
                self.open_workspace(folder)

        task.finished.connect(opened)

    def open_review_package(self, path: str | Path | None = None) -> bool:
        """Read a review package (a folder a study organiser sent) in the Review panel."""
        if path is None:
            path = QFileDialog.getExistingDirectory(self, "Open review package")
            if not path:
                return False
        return self.show_panel("review").open_package(path)

    # ---------------------------------------------------------------- log and errors
    @Slot(str, str)
    def append_log(self, level: str, message: str) -> None:
        """A line in the Log dock and the same in the log file."""
        self._dock_line(level, message)
        log_shown(level, message)

    def _dock_line(self, level: str, message: str) -> None:
        prefix = "" if level == "info" else f"[{level}] "
        self.log_view.appendPlainText(prefix + message)

    @Slot(str, str, str)
    def _on_task_error(self, name: str, message: str, tb: str) -> None:
        self._dock_line("error", f"{name} failed: {message}")
        dialogs.show_error(self, f"{name} failed", message, tb)  # logs it, traceback included

    # ---------------------------------------------------------------- closing
    def closeEvent(self, event: QCloseEvent) -> None:
        running = self.ctx.tasks.running
        if running:
            names = ", ".join(t.name for t in running)
            if not dialogs.ask(
                self,
                "Work is running",
                f"{names} is still running. Stop it and quit? Training saves a checkpoint first.",
            ):
                event.ignore()
                return
            self.statusBar().showMessage("Stopping running work…")
            self.ctx.tasks.stop_all()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.ctx.set_workspace(None)  # panels drop it, then it closes
        event.accept()
