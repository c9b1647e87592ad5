"""Pictures and folders shown by the app itself, for desktops with no program to open them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog

from app.file_views import ImageDialog, PathDialog, open_path


def _png(path: Path) -> Path:
    pixels = np.zeros((40, 60, 3), np.uint8)
    pixels[:, :30] = (200, 30, 30)
    Image.fromarray(pixels).save(path)
    return path


def test_a_plot_opens_in_the_app_with_copy_and_save_as(qtbot, tmp_path, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: asked.append(url) or True)
    dialog = open_path(None, _png(tmp_path / "f1_vs_k.png"))
    qtbot.addWidget(dialog)
    assert isinstance(dialog, ImageDialog) and dialog.isVisible() and asked == []
    assert (dialog.pixmap.width(), dialog.pixmap.height()) == (60, 40)

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().image()
    assert (copied.width(), copied.height()) == (60, 40)
    assert copied.pixelColor(5, 5).red() == 200 and copied.pixelColor(50, 5).red() == 0

    target = tmp_path / "slides" / "figure.png"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert np.asarray(Image.open(target).convert("RGB"))[5, 5].tolist() == [200, 30, 30]


def test_an_unreadable_picture_says_so(qtbot, tmp_path):
    broken = tmp_path / "plot.png"
    broken.write_bytes(b"not a png")
    dialog = open_path(None, broken)
    qtbot.addWidget(dialog)
    assert "could not be read" in dialog.picture.text()
    assert not dialog.copy_button.isEnabled() and not dialog.save_button.isEnabled()


def test_a_folder_goes_to_the_desktop_and_its_path_is_shown_where_nothing_opens_it(
    qtbot, tmp_path, monkeypatch
):
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)
    assert open_path(None, tmp_path) is None  # the file manager took it: nothing more to show

    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    dialog = open_path(None, tmp_path)
    qtbot.addWidget(dialog)
    assert isinstance(dialog, PathDialog) and dialog.path_field.text() == str(tmp_path)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == str(tmp_path)
