"""Help > User guide renders the guide shipped with the app inside the app: chapters, links
between them and the screenshots, with no launcher and no network."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.help import GuideDialog

ROOT = Path(__file__).resolve().parents[2]


def _action(window, text: str):
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    return next(a for a in help_menu.actions() if a.text() == text)


def _guide(qtbot) -> GuideDialog:
    qtbot.waitUntil(lambda: any(isinstance(w, GuideDialog) for w in QApplication.topLevelWidgets()))
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, GuideDialog))


def _click_link(qtbot, browser, text: str) -> None:
    """Click the link with this text where it is drawn, as a reader would."""
    cursor = browser.document().find(text)
    assert not cursor.isNull(), f"no {text!r} in the page"
    browser.setTextCursor(cursor)
    browser.ensureCursorVisible()
    point = browser.cursorRect(cursor).center()
    point.setX(point.x() - 3)  # inside the selected word, not past its end
    QTest.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_help_user_guide_shows_the_local_index_in_the_app(main_window, qtbot) -> None:
    _action(main_window, "&User guide").trigger()
    guide = _guide(qtbot)
    qtbot.waitExposed(guide)
    source = guide.browser.source()
    assert source.isLocalFile()
    assert Path(source.toLocalFile()).resolve() == (ROOT / "docs" / "index.md").resolve()
    # Rendered as Markdown, not shown as its source text
    text = guide.browser.toPlainText()
    assert "Training" in text and "](training.md)" not in text


def test_links_between_chapters_are_followed_and_back_returns(main_window, qtbot) -> None:
    _action(main_window, "&User guide").trigger()
    guide = _guide(qtbot)
    qtbot.waitExposed(guide)
    _click_link(qtbot, guide.browser, "Training")
    qtbot.waitUntil(lambda: guide.browser.source().fileName() == "training.md")
    assert "Presets" in guide.browser.toPlainText() or "preset" in guide.browser.toPlainText()
    assert guide.back_button.isEnabled() and not guide.forward_button.isEnabled()
    qtbot.mouseClick(guide.back_button, Qt.MouseButton.LeftButton)
    assert guide.browser.source().fileName() == "index.md"
    assert guide.forward_button.isEnabled()


def test_the_chapters_screenshots_load(qtbot) -> None:
    guide = GuideDialog(ROOT / "docs" / "getting-started.md")
    qtbot.addWidget(guide)
    url = QUrl("../resources/readme/panel_data.png")
    image = guide.browser.loadResource(QTextDocument.ResourceType.ImageResource.value, url)
    assert image is not None and not image.isNull()
