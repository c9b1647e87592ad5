"""The mammogram viewer on a real DICOM file: loading off the GUI thread, overlays, window/level
by drag and keys, the corner text."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsPolygonItem, QGraphicsRectItem

from mammogan_core.io import write_mammogram_dicom


def phantom(rows: int = 600, cols: int = 420, seed: int = 0) -> np.ndarray:
    """A 12-bit breast-like half disc on black, with a bright blob (the 'mass')."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols]
    breast = ((x / (0.9 * cols)) ** 2 + ((y - rows / 2) / (0.48 * rows)) ** 2) < 1
    img = np.where(breast, 1200 + 300 * rng.standard_normal((rows, cols)), 0)
    img += 1500 * np.exp(-((x - 150) ** 2 + (y - 200) ** 2) / (2 * 25**2)) * breast
    return np.clip(img, 0, 4095).astype(np.uint16)


def fill_viewer_workspace(ws, folder) -> list[int]:
    """Two DICOM images in the catalogue, findings of three kinds and two patch boxes."""
    folder.mkdir(exist_ok=True)
    with ws.transaction() as c:
        c.execute("INSERT INTO sources VALUES (1, ?, 'generic', NULL, 'now')", (str(folder),))
        for iid, lat, view in ((1, "L", "CC"), (2, "R", "MLO")):
            path = write_mammogram_dicom(
                folder / f"img{iid}.dcm",
                phantom(seed=iid),
                laterality=lat,
                view=view,
                window=(1400, 1600),
            )
            c.execute(
                "INSERT INTO images(id, source_id, image_key, path, laterality, view, rows, cols)"
                " VALUES (?, 1, ?, ?, ?, ?, 600, 420)",
                (iid, f"img{iid}", ws.rel(path), lat, view),
            )
        for fid, kind, geom, box, ftype, path in (
            (1, "box", {}, (110, 160, 190, 240), "mass", "malignant"),
            (
                2,
                "circle",
                {"cx": 250, "cy": 400, "r": 20},
                (230, 380, 270, 420),
                "calcification",
                "benign",
            ),
            (
                3,
                "polygon",
                {"points": [[60, 300], [100, 290], [90, 340]]},
                (60, 290, 100, 340),
                "asymmetry",
                None,
            ),
        ):
            c.execute(
                "INSERT INTO findings(id, image_id, finding_type, pathology, geometry_kind, geometry,"
                " x0, y0, x1, y1, source_row) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (fid, ftype, path, kind, json.dumps(geom), *box, f"r{fid}"),
            )
    rows = [
        {
            "label": "lesion",
            "image_id": 1,
            "finding_id": 1,
            "lesion_type": "mass",
            "x0": 86,
            "y0": 136,
            "x1": 214,
            "y1": 264,
        },
        {"label": "normal", "image_id": 1, "x0": 200, "y0": 300, "x1": 328, "y1": 428},
    ]
    return ws.add_patches(np.full((2, 128, 128), 90, np.uint8), rows)


@pytest.fixture
def viewer(qtbot, workspace, tmp_path):
    from app.viewer import MammogramViewer

    fill_viewer_workspace(workspace, tmp_path / "images")
    v = MammogramViewer()
    qtbot.addWidget(v)
    v.resize(1100, 760)
    v.set_workspace(workspace)
    v.show()
    return v


def load(qtbot, viewer, image_id: int, box=None) -> None:
    with qtbot.waitSignal(viewer.image_shown, timeout=10_000):
        viewer.show_image(image_id, focus_box=box)


def test_list_filters_and_loading_in_a_worker(qtbot, viewer):
    assert viewer.image_list.count() == 2
    viewer.findings_box.setCurrentIndex(viewer.findings_box.findData(True))
    assert viewer.image_list.count() == 1
    viewer.findings_box.setCurrentIndex(0)
    viewer.view_box.setCurrentIndex(viewer.view_box.findData("MLO"))
    assert [
        viewer.image_list.item(i).text().split()[0] for i in range(viewer.image_list.count())
    ] == ["img2"]
    with qtbot.waitSignal(viewer.image_shown, timeout=10_000) as sig:
        viewer.image_list.setCurrentRow(0)  # a click in the list loads off the GUI thread
    assert sig.args == [2]
    assert viewer.canvas.pixels.shape == (600, 420)
    assert viewer.canvas.corner["tl"].text() == "R MLO"


def test_overlays_window_level_keys_and_corners(qtbot, viewer):
    load(qtbot, viewer, 1)
    canvas = viewer.canvas
    layers = canvas.overlays.items
    shapes = [type(i) for i in layers["findings"] if not hasattr(i, "setText")]
    assert shapes == [QGraphicsRectItem, QGraphicsEllipseItem, QGraphicsPolygonItem]
    labels = [i.textItem.toPlainText() for i in layers["findings"] if hasattr(i, "setText")]
    assert labels == ["mass (malignant)", "calcification (benign)", "asymmetry"]
    assert len(layers["patches"]) == 2 and len(layers["mask"]) == 1
    viewer.layer_boxes["patches"].setChecked(False)
    assert not any(i.isVisible() for i in layers["patches"])

    # preset 1 = the file's window; W/L shown in the corner with the zoom
    assert (canvas.window_center, canvas.window_width) == (1400, 1600)
    assert canvas.image_item.levels is not None and list(canvas.image_item.levels) == [600, 2200]
    assert "W 1600  L 1400" in canvas.corner["tr"].text() and "Zoom" in canvas.corner["tr"].text()
    assert canvas.corner["tl"].isVisible() and canvas.corner["tl"].text() == "L CC"

    # a left-drag to the right widens the window, downwards raises the centre
    canvas.setFocus()
    vp = canvas.viewport()
    start = vp.rect().center()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(vp, start + QPoint(12 * step, 8 * step))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=start + QPoint(60, 40))
    assert canvas.window_width > 1600 and canvas.window_center > 1400
    lo, hi = canvas.image_item.levels
    assert hi - lo == pytest.approx(canvas.window_width)

    qtbot.keyClick(canvas, Qt.Key.Key_2)  # full range
    assert canvas.window_width == pytest.approx(float(canvas.pixels.max() - canvas.pixels.min()))
    qtbot.keyClick(canvas, Qt.Key.Key_I)
    assert canvas.inverted and "inverted" in canvas.corner["tr"].text()
    qtbot.keyClick(canvas, Qt.Key.Key_R)
    assert not canvas.inverted and canvas.window_width == 1600

    # the pixel value under the cursor
    qtbot.mouseMove(vp, vp.rect().center() + QPoint(5, 5))  # a real move, wherever it was
    qtbot.mouseMove(vp, vp.rect().center())
    qtbot.waitUntil(lambda: "value" in canvas.corner["bl"].text(), timeout=2000)


def test_focus_box_zooms_on_a_patch(qtbot, viewer):
    load(qtbot, viewer, 1)
    fit_zoom = viewer.canvas.zoom()
    load(qtbot, viewer, 2)
    load(qtbot, viewer, 1, box=(86, 136, 214, 264))
    (x0, x1), (y0, y1) = viewer.canvas.view.viewRange()
    assert x0 <= 86 and x1 >= 214 and y0 <= 136 and y1 >= 264
    assert viewer.canvas.zoom() > fit_zoom


def test_an_unreadable_file_is_reported_not_raised(qtbot, viewer, workspace):
    path = workspace.resolve(workspace.query("SELECT path FROM images WHERE id=2")[0][0])
    path.write_bytes(b"not a dicom")
    with qtbot.waitSignal(viewer.loader.failed, timeout=10_000):
        viewer.show_image(2)
    assert "Cannot show image 2" in viewer.status.text()
    load(qtbot, viewer, 1)  # the viewer goes on with the next image
    assert viewer.image_id == 1 and "Cannot show" not in viewer.status.text()


def test_browse_panel_opens_a_patch_in_its_mammogram(qtbot, main_window, tmp_path):
    from mammogan_core.workspace import Workspace

    ws = Workspace.create(tmp_path / "study")
    ids = fill_viewer_workspace(ws, tmp_path / "images")
    ws.close()
    main_window.open_workspace(tmp_path / "study")
    panel = main_window.show_panel("browse")
    panel.tabs.setCurrentWidget(panel.browser)
    assert panel.browser.model.rowCount() == 2
    panel.browser.grid.setCurrentIndex(panel.browser.model.index(0, 0))
    assert panel.browser.detail.values["id"].text() == str(ids[0])
    with qtbot.waitSignal(panel.viewer.image_shown, timeout=10_000) as sig:
        panel.browser.detail.open_button.click()
    assert sig.args == [1] and panel.tabs.currentWidget() is panel.viewer
    (x0, x1), (y0, y1) = panel.viewer.canvas.view.viewRange()
    # the patch box (86..214, 136..264) is whole, centred, and zoomed in on (the window's
    # aspect decides how much context shows beside it)
    assert x0 <= 86 and x1 >= 214 and y0 <= 136 and y1 >= 264
    assert abs((x0 + x1) / 2 - 150) < 5 and abs((y0 + y1) / 2 - 200) < 5
    assert min(x1 - x0, y1 - y0) < 500  # the whole image is 600 px tall
    # other panels reach the viewer the same way
    with qtbot.waitSignal(panel.viewer.image_shown, timeout=10_000) as sig:
        main_window.ctx.show_panel("browse", image_id=2)
    assert sig.args == [2] and panel.viewer.canvas.corner["tl"].text() == "R MLO"


def test_an_image_with_a_finding_without_location_says_so(qtbot, viewer, workspace):
    reason = "finding without location (labels.csv:7: no coordinates)"
    with workspace.transaction() as c:
        c.execute("UPDATE images SET normal_excluded = ? WHERE id = 2", (reason,))
    viewer.refresh_list()
    texts = [viewer.image_list.item(i).text() for i in range(viewer.image_list.count())]
    assert texts[1].endswith("· finding without location")
    assert "finding without location" not in texts[0]
    assert viewer.image_list.item(1).toolTip().endswith(reason)
    with qtbot.waitSignal(viewer.image_shown, timeout=10_000):
        viewer.image_list.setCurrentRow(1)
    assert viewer.status.text() == f"img2  · {reason}: no normal patches"
