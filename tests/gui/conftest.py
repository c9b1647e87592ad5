"""GUI fixtures: a main window with dialogs patched so that nothing blocks."""

from __future__ import annotations

import pytest


@pytest.fixture
def dialogs_log(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """Record error dialogs and answer every question with the value in `answers`."""
    from app import dialogs

    log: dict[str, list] = {"errors": [], "questions": [], "answers": [True]}

    def fake_error(parent, title, message, details=""):
        log["errors"].append((title, message, details))

    def fake_ask(parent, title, question):
        log["questions"].append((title, question))
        return log["answers"][-1]

    monkeypatch.setattr(dialogs, "show_error", fake_error)
    monkeypatch.setattr(dialogs, "ask", fake_ask)
    return log


@pytest.fixture
def main_window(qtbot, tmp_path, dialogs_log):
    from PySide6.QtCore import QSettings

    from app.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.ctx.tasks.stop_all(10_000)
