"""Help > User guide opens the guide shipped with the app, as a local file (no network)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

ROOT = Path(__file__).resolve().parents[2]


class _Opened(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


@pytest.fixture
def opened():
    """What QDesktopServices.openUrl was asked to open (file: URLs), instead of a viewer."""
    handler = _Opened()
    QDesktopServices.setUrlHandler("file", handler, "open")
    yield handler.urls
    QDesktopServices.unsetUrlHandler("file")


def _action(window, text: str):
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    return next(a for a in help_menu.actions() if a.text() == text)


def test_help_user_guide_opens_the_local_index(main_window, opened) -> None:
    _action(main_window, "&User guide").trigger()
    assert len(opened) == 1 and opened[0].isLocalFile()
    page = Path(opened[0].toLocalFile())
    assert page.name == "index.md" and page.is_file()
    assert page.resolve() == (ROOT / "docs" / "index.md").resolve()
