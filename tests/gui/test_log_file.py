"""The log file named in every error dialog gets what the Log dock shows, and the tracebacks
the dock leaves out."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from mammogan_core.events import Log


@pytest.fixture
def logged(monkeypatch):
    """The app's file logging (as `launch` sets it up) in this test's home, removed after."""
    from app.logs import LOGGER, setup_file_logging

    path = setup_file_logging()
    yield path
    root = logging.getLogger(LOGGER)
    for handler in [h for h in root.handlers if isinstance(h, logging.FileHandler)]:
        root.removeHandler(handler)
        handler.close()


def test_the_log_file_gets_the_log_dock_and_the_tracebacks(qtbot, tmp_path, logged, monkeypatch):
    from app.main_window import MainWindow

    shown: list[tuple[str, str, str]] = []  # the real dialog, answered without blocking
    monkeypatch.setattr(
        QMessageBox,
        "exec",
        lambda box: shown.append((box.text(), box.informativeText(), box.detailedText())) or 0,
    )
    win = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)

    def work(control):
        yield Log("the planted warning of the work", "warning")
        raise ValueError("a planted bug")

    win.ctx.tasks.start("Planted", work)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    qtbot.waitUntil(lambda: not win.ctx.tasks.running, timeout=10_000)
    assert logged.stat().st_size > 0
    text = logged.read_text()
    dock = win.log_view.toPlainText().splitlines()
    assert "[warning] the planted warning of the work" in dock
    assert "[error] Planted failed: ValueError: a planted bug" in dock
    for line in dock:  # every line of the dock, without its [level] prefix
        assert line.split("] ", 1)[-1] in text, line
    assert "WARNING mammogan.app: the planted warning of the work" in text
    assert "ERROR mammogan.app: Planted failed: ValueError: a planted bug" in text
    assert (
        "Traceback (most recent call last)" in text and 'raise ValueError("a planted bug")' in text
    )
    message, where, details = shown[0]
    assert message == "ValueError: a planted bug" and str(logged) in where
    assert "Traceback" in details
