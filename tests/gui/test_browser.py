"""The patch browser over 150,000 patches: model size, filters, painted thumbnails, detail."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel

from app.browser.model import ID_ROLE

N = 150_000
REAL = 3000  # rows with distinct pixels; the rest of the store is a sparse (zero) file


def fill_patches(ws, n: int = N) -> None:
    """n catalogue rows in one executemany: 10% lesion (mass / calcification), 80% normal,
    10% synthetic; splits cycle train/val/test. Row i's pixels are a gradient of brightness i."""
    store = ws.patch_store()
    store.write(n - 1, np.zeros((1, 128, 128), np.uint8))  # grows the file (sparse) to n rows
    ramp = np.linspace(0, 1, 128, dtype=np.float32)[None, :] * np.ones((128, 1), np.float32)
    levels = 40 + (np.arange(REAL) % 200)
    store.write(0, (ramp[None] * levels[:, None, None] + 10).astype(np.uint8))
    labels = np.where(
        np.arange(n) % 10 == 0, "lesion", np.where(np.arange(n) % 10 == 1, "synthetic", "normal")
    )
    with ws.transaction() as c:
        c.execute("INSERT INTO sources VALUES (1, '/data/set', 'generic', NULL, 'now')")
        c.execute(
            "INSERT INTO images(id, source_id, image_key, path) VALUES (1, 1, 'img1', 'x.dcm')"
        )
        c.executemany(
            "INSERT INTO patches(store_index, label, image_id, lesion_type, x0, y0, x1, y1, split,"
            " params, created_at) VALUES (?, ?, ?, ?, 10, 20, 138, 148, ?, '{\"size\": 128}', 'now')",
            (
                (
                    i,
                    str(labels[i]),
                    None if labels[i] == "synthetic" else 1,
                    ("mass", "calcification")[i % 20 // 10] if labels[i] == "lesion" else None,
                    ("train", "val", "test")[i % 3],
                )
                for i in range(n)
            ),
        )


@pytest.fixture(scope="module")
def big_workspace(tmp_path_factory):
    from mammogan_core.workspace import Workspace

    ws = Workspace.create(tmp_path_factory.mktemp("big") / "ws")
    fill_patches(ws)
    yield ws
    ws.close()


@pytest.fixture
def browser(qtbot, big_workspace):
    from app.browser import PatchBrowser

    b = PatchBrowser()
    qtbot.addWidget(b)
    b.resize(1200, 800)
    b.set_workspace(big_workspace)
    b.show()
    qtbot.waitExposed(b)
    return b


def test_model_holds_every_patch_and_filters_change_the_rows(browser):
    assert browser.model.rowCount() == N
    assert browser.count_label.text() == "150,000 patches"
    browser.label_box.setCurrentIndex(browser.label_box.findData("lesion"))
    assert browser.model.rowCount() == N // 10
    browser.type_box.setCurrentIndex(browser.type_box.findData("calcification"))
    assert browser.model.rowCount() == N // 20
    browser.split_box.setCurrentIndex(browser.split_box.findData("val"))
    assert 0 < browser.model.rowCount() < N // 20
    assert browser.count_label.text() == f"{browser.model.rowCount():,} patches"
    browser.label_box.setCurrentIndex(browser.label_box.findData("synthetic"))
    assert browser.model.rowCount() == 0 and browser.count_label.text() == "0 patches"


def test_delegate_paints_thumbnails_and_cache_is_bounded(qtbot, browser):
    grid = browser.grid
    # the first paint builds within its budget; the rest arrive on the next turns
    qtbot.waitUntil(lambda: len(browser.cache) >= 40, timeout=5000)
    qtbot.wait(50)
    img = grid.viewport().grab().toImage()
    cell = grid.visualRect(browser.model.index(5, 0)).center()
    assert img.pixelColor(cell).value() > 20  # a thumbnail, not the placeholder or background
    grays = {
        img.pixelColor(grid.visualRect(browser.model.index(i, 0)).center()).value()
        for i in range(30)
    }
    assert len(grays) > 10  # distinct patches, not one repeated picture
    # scrolling far down and back never lets the cache grow past its bound
    browser.cache.capacity = 200
    for value in range(
        0, grid.verticalScrollBar().maximum(), grid.verticalScrollBar().maximum() // 20
    ):
        grid.verticalScrollBar().setValue(value)
        grid.viewport().repaint()
    assert len(browser.cache) <= 200


def test_thumbnail_size_slider_relayouts(qtbot, browser):
    before = browser.grid.visualRect(browser.model.index(1, 0)).width()
    browser.size_slider.setValue(160)
    qtbot.waitUntil(lambda: browser.grid.visualRect(browser.model.index(1, 0)).width() > before)


def test_click_shows_the_patch_detail(qtbot, browser):
    index = browser.model.index(12, 0)
    browser.grid.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    pid = browser.model.data(index, ID_ROLE)
    d = browser.detail
    assert d.values["id"].text() == str(pid)
    assert d.values["source image"].text() == "img1"
    assert d.values["box"].text() == "x 10–138, y 20–148"
    assert '"size": 128' in d.values["params"].text()
    assert d.open_button.isEnabled() and d.image.pixmap() is not None
    with qtbot.waitSignal(browser.open_image) as sig:
        d.open_button.click()
    assert sig.args == [1, (10, 20, 138, 148)]


def test_detail_gives_the_dataset_label_beside_the_lesion_type(qtbot):
    from app.browser.detail import PatchDetail

    detail = PatchDetail()
    qtbot.addWidget(detail)
    record = {"id": 7, "label": "lesion", "lesion_type": "mass", "label_raw": "SPIC"}
    detail.show_patch(record, np.zeros((128, 128), np.uint8))
    assert detail.values["lesion type"].text() == "mass (dataset label SPIC)"
    detail.show_patch({**record, "label_raw": None}, np.zeros((128, 128), np.uint8))
    assert detail.values["lesion type"].text() == "mass"


def test_keys_open_the_patch_and_resize_the_thumbnails(qtbot, browser):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from app.help import SHORTCUTS

    listed = dict(next(rows for title, rows in SHORTCUTS if title == "Browse → Patches"))
    assert "Return or double-click" in listed and "+ / −" in listed
    browser.grid.setFocus()
    qtbot.waitUntil(browser.grid.hasFocus)
    browser.grid.setCurrentIndex(browser.model.index(11, 0))
    QTest.keyClick(browser.grid, Qt.Key.Key_Right)
    assert browser.detail.values["id"].text() == str(browser.model.index(12, 0).data(ID_ROLE))
    with qtbot.waitSignal(browser.open_image) as sig:
        QTest.keyClick(browser.grid, Qt.Key.Key_Return)
    assert sig.args == [1, (10, 20, 138, 148)]
    side = browser.size_slider.value()
    QTest.keyClick(browser.grid, Qt.Key.Key_Plus)
    assert browser.size_slider.value() == side + 16
    QTest.keyClick(browser.grid, Qt.Key.Key_Minus)
    QTest.keyClick(browser.grid, Qt.Key.Key_Minus)
    assert browser.size_slider.value() == side - 16
