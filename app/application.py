"""QApplication set-up, the excepthook, and the launcher used by `mammogan` and `mammogan gui`."""

from __future__ import annotations

import logging
import sys
import tempfile
import traceback
from importlib import resources
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from . import wheel_guard

log = logging.getLogger("mammogan.app")


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    QCoreApplication.setOrganizationName("MammoGAN")
    QCoreApplication.setApplicationName("MammoGAN")
    if not hasattr(app, "wheel_guard"):
        app.wheel_guard = wheel_guard.install(app)  # type: ignore[attr-defined]
    try:
        files = resources.files("mammogan_resources")
        app.setStyleSheet(files.joinpath("style.qss").read_text())
        app.setWindowIcon(QIcon(str(files.joinpath("icons", "mammogan.svg"))))
    except (ModuleNotFoundError, FileNotFoundError):  # running from an unusual layout
        log.warning("stylesheet or icon not found; using the default look")
    return app  # type: ignore[return-value]


def _excepthook(etype: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """An exception in a slot must reach the user, not vanish (or abort the process)."""
    text = "".join(traceback.format_exception(etype, value, tb))
    sys.stderr.write(text)  # the dialog logs it
    from . import dialogs

    dialogs.show_error(None, "Unexpected error", f"{etype.__name__}: {value}", text)


def launch(
    workspace: str | None = None,
    panel: str | None = None,
    screenshot: str | None = None,
    size: list[int] | None = None,
    review_package: str | None = None,
) -> int:
    """Open the main window. With `screenshot`, render it to a PNG once shown and exit; with
    `review_package`, read that package once shown (`mammogan review open DIR`)."""
    from .logs import setup_file_logging
    from .main_window import MainWindow

    app = create_application()
    setup_file_logging()
    sys.excepthook = _excepthook
    with tempfile.TemporaryDirectory() as folder:
        # a picture for the docs must not become the user's window size or recent workspaces
        own = QSettings(str(Path(folder, "settings.ini")), QSettings.Format.IniFormat)
        window = MainWindow(own if screenshot else None)
        if size:
            window.resize(*size)
        if workspace and not window.open_workspace(workspace):
            return 2
        if panel:
            window.show_panel(panel)
        window.show()
        if review_package:
            QTimer.singleShot(0, lambda: window.open_review_package(review_package))
        if screenshot:

            def grab() -> None:
                Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
                ok = window.grab().save(screenshot)
                window.close()
                app.exit(0 if ok else 1)

            QTimer.singleShot(300, grab)  # let layouts and first paints settle
        return app.exec()
