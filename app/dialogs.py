"""Dialogs shared by panels. Tests patch `ask` and `show_error` so nothing blocks."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from .logs import log_path, log_shown


def show_error(parent: QWidget | None, title: str, message: str, details: str = "") -> None:
    """An error the user must see: the message, where the log is (it gets the error and its
    details first), and the details on demand."""
    log_shown("error", f"{title}: {message}", details)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(message)
    box.setInformativeText(f"The log is at {log_path()}")
    if details:
        box.setDetailedText(details)
    box.exec()


def ask(parent: QWidget | None, title: str, question: str) -> bool:
    answer = QMessageBox.question(parent, title, question)
    return answer == QMessageBox.StandardButton.Yes
