"""The Export panel on a demo workspace, driven by clicks: the live preview, the one-click
export read back, a cancelled export that leaves nothing, and Open folder. A picture of the
panel is saved for a person to look at (MAMMOGAN_SCREENSHOTS=DIR keeps it)."""

from __future__ import annotations

import csv
import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest

from mammogan_core.export import pipeline

TIMEOUT = 120_000


@pytest.fixture
def panel(qtbot, main_window, demo_ws):
    ws = demo_ws
    assert main_window.open_workspace(ws)
    action = next(
        a
        for m in main_window.menuBar().actions()
        if m.text() == "&View"
        for a in m.menu().actions()
        if a.text() == "Export"
    )
    action.trigger()
    panel = main_window.stack.currentWidget()
    assert type(panel).__name__ == "ExportPanel"
    qtbot.waitUntil(lambda: panel.counts.rowCount() > 0, timeout=TIMEOUT)  # the live preview
    qtbot.waitUntil(lambda: panel._preview is None, timeout=TIMEOUT)
    return panel


def rows_of(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_one_click_export_with_preview_progress_and_open_folder(qtbot, panel, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True
    )
    counts = rows_of(panel.counts)
    lesions = next(r for r in counts if r[:2] == ["train", "lesion"])
    real, flipped, synthetic = (int(v) for v in lesions[2:5])
    assert flipped == real > 0 and synthetic == round(1.5 * real)
    assert panel.real_grid.image is not None and panel.fake_grid.image is not None
    assert "Synthetic lesions from run" in panel.preview_label.text()
    _save_picture(panel, "export_panel.png")

    out = Path(panel.form.value().out)
    assert out.parent == panel.workspace.exports_dir  # the one-click default folder
    assert not panel.open_button.isVisible()
    QTest.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.open_button.isVisible(), timeout=TIMEOUT)
    assert "Exported" in panel.status.text()
    with open(out / "manifest.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    total = sum(int(r[-1].replace(",", "")) for r in counts)
    assert len(rows) == total
    assert sum(r["origin"] == "synthetic" for r in rows) == synthetic
    assert (out / rows[0]["file"]).is_file()
    QTest.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert opened == [str(out)]


def test_the_preview_follows_the_form_and_cancel_leaves_nothing(qtbot, panel, monkeypatch):
    flip = panel.form.editors["flip"].widget
    flip.click()  # no flipped copies
    qtbot.waitUntil(
        lambda: panel._preview is None and all(r[3] == "0" for r in rows_of(panel.counts)),
        timeout=TIMEOUT,
    )

    monkeypatch.setattr(pipeline, "CHUNK", 4)  # several steps: Cancel falls between two
    gate = threading.Event()
    original = pipeline._pixels

    def gated(*args):
        gate.wait(60)  # the worker waits in its first step until Cancel was clicked
        return original(*args)

    monkeypatch.setattr(pipeline, "_pixels", gated)
    out = Path(panel.form.value().out)
    QTest.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    assert panel.cancel_button.isEnabled() and not panel.export_button.isEnabled()
    QTest.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: panel._export is None, timeout=TIMEOUT)
    assert panel.status.text() == "Export stopped: nothing was written."
    assert not out.exists() and not list(out.parent.glob(f".{out.name}.*"))
    assert not panel.open_button.isVisible() and panel.export_button.isEnabled()


def _save_picture(panel, name: str) -> None:
    folder = Path(os.environ.get("MAMMOGAN_SCREENSHOTS", "") or panel.workspace.root)
    window = panel.window()
    window.resize(1280, 800)
    QTest.qWait(50)
    assert window.grab().save(str(folder / name))
