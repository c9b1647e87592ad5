"""The Evaluate panel on a demo workspace with a tiny trained run, driven by clicks: it opens
from the sidebar, shows real and synthetic grids, Evaluate fills the metrics table (the metrics
that need no weights) and the memorisation view; the t-SNE scatter shows points, the patch under
the mouse and the patches of a box or lasso selection, and exports PNG and CSV. Pictures of the
panel are saved for a person to look at (MAMMOGAN_SCREENSHOTS=DIR keeps them)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from mammogan_core.cli.main import run_cli
from mammogan_core.metrics.registry import BY_NAME
from mammogan_core.metrics.report import MEMORISATION
from mammogan_core.palette import KIND_COLOURS

TIMEOUT = 120_000


@pytest.fixture(scope="module")
def trained_template(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace plus a one-epoch tiny run on its normal patches (the demo's own run
    learns from too few lesions for the metrics' minimum of 10)."""
    ws = Path(shutil.copytree(demo_template, tmp_path_factory.mktemp("evaluate") / "demo"))
    args = ["train", "--workspace", str(ws), "--preset", "tiny", "--epochs", "1"]
    args += ["--label", "normal", "--split", "all", "--device", "cpu", "--quiet"]
    assert run_cli(args).exit_code == 0
    return ws


@pytest.fixture
def panel(qtbot, main_window, trained_template, tmp_path):
    ws = Path(shutil.copytree(trained_template, tmp_path / "ws"))
    assert main_window.open_workspace(ws)
    nav = main_window.nav  # the sidebar, clicked
    item = nav.findItems("Evaluate", Qt.MatchFlag.MatchExactly)[0]
    QTest.mouseClick(
        nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(item).center()
    )
    panel = main_window.stack.currentWidget()
    assert type(panel).__name__ == "EvaluatePanel"
    return panel


def _save_picture(panel, name: str) -> None:
    folder = Path(os.environ.get("MAMMOGAN_SCREENSHOTS", "") or panel.workspace.root)
    window = panel.window()
    window.resize(1280, 800)
    QTest.qWait(50)
    assert window.grab().save(str(folder / name))


def test_grids_then_evaluate_fills_the_table_and_the_memorisation_view(qtbot, panel):
    assert panel.picker.run.endswith("-tiny") and panel.picker.checkpoint == "best"
    qtbot.waitUntil(lambda: panel.samples.fake.image is not None, timeout=TIMEOUT)
    real, fake = panel.samples.real.image, panel.samples.fake.image
    assert real.size() == fake.size()  # the same count of patches, tiled alike
    first = real.copy()  # (the tiny run's samples have collapsed: all alike, whatever the seed)
    QTest.mouseClick(panel.samples.reshuffle_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.samples.real.image != first, timeout=TIMEOUT)
    caption = f"(seed {panel.samples.seed})"
    qtbot.waitUntil(lambda: caption in panel.samples.fake_caption.text(), timeout=TIMEOUT)

    assert panel.weights_note.isVisible() and "Inception weights" in panel.weights_note.text()
    panel.form.editors["n"].set(20)
    assert panel.table.rowCount() == 2  # the training runs' best-checkpoint checks
    QTest.mouseClick(panel.evaluate_button, Qt.MouseButton.LeftButton)
    assert panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: panel._task is None, timeout=TIMEOUT)
    assert panel.status.text().startswith("Done: FID skipped"), panel.status.text()
    assert panel.tabs.currentIndex() == 1 and panel.table.rowCount() == 3
    headers = [panel.table.horizontalHeaderItem(c).text() for c in range(panel.table.columnCount())]
    row = {h: panel.table.item(0, c) for c, h in enumerate(headers)}
    assert row["What"].text() == "evaluation" and row["FID"].text() == "–"
    shown = panel.table.rows[0].estimates
    for name in ("kid", "precision", "recall", "radiomics_fd", "diversity", "nn_accuracy"):
        text = row[BY_NAME[name].label].text().removeprefix("≈ ")
        value, interval = text.split(" [")
        interval, floor = interval.split("]  ")
        assert float(value) == pytest.approx(shown[name]["value"], rel=1e-3)
        lo, hi = (float(v) for v in interval.split(", "))
        assert lo <= float(value) <= hi  # the figure inside its interval
        assert float(floor.strip("()")) == pytest.approx(shown[name]["floor"], rel=1e-2)
    # the best-checkpoint checks store KID under the same name, shown x 10³ as well
    check = panel.table.rows[1]
    assert check.purpose == "best checkpoint" and "kid" in check.values
    assert float(panel.table.item(1, headers.index("KID (×10³)")).text()) == pytest.approx(
        check.values["kid"] * 1e3, rel=1e-3
    )
    assert "random-conv-v1" in row["KID (×10³)"].toolTip()
    assert "20 synthetic" in row["KID (×10³)"].toolTip()
    assert "1-NN accuracy" in panel.status.text() and "KID (×10³)" in panel.status.text()
    assert panel.table.selected() is panel.table.rows[0]
    report = panel.table.rows[0].report_dir
    assert (report / MEMORISATION).is_file()
    assert "synthetic patches" in panel.memorisation.summary.text()
    assert all(len(p.listDataItems()) == 2 for p in panel.memorisation.plots)  # real, synthetic
    assert panel.metric_plot.series()  # KID over training: the checks and the report
    _save_picture(panel, "evaluate_panel.png")


def test_the_memorisation_view_shows_each_copy_beside_its_real_patch(qtbot):
    from app.evaluate_view.memorisation_view import MemorisationView

    view = MemorisationView()
    qtbot.addWidget(view)
    rng = np.random.default_rng(0)
    patches = rng.integers(0, 255, (2, 128, 128), dtype=np.uint8)
    arrays = {
        "synthetic_to_real_pixels": np.array([0.0, 30.0, 40.0]),
        "real_to_real_pixels": np.array([25.0, 35.0, 50.0]),
        "synthetic_to_real_features": np.array([0.0, 3.0, 4.0]),
        "real_to_real_features": np.array([2.5, 3.5, 5.0]),
        "copy_index": np.array([0]),
        "copy_synthetic": patches[:1],
        "copy_real": patches[1:],
    }
    copy = {"index": 0, "real_patch_id": 7, "flip": "h", "pixel_rms": 0.0}
    copy |= {"feature_distance": 0.0, "by": ["pixels", "features"]}
    report = {"memorised": [copy], "n_fake": 3, "memorisation": {"pixel_threshold_rms": 12.5}}
    view.show_report(report, arrays)
    assert view.copies.rowCount() == 1
    assert not view.copies.item(0, 0).icon().isNull() and not view.copies.item(0, 1).icon().isNull()
    assert view.copies.item(0, 1).text() == "patch 7\nflip: h"
    assert view.copies.item(0, 4).text() == "pixels, features"
    assert "<b>1</b> of 3" in view.summary.text()
    lines = [i for i in view.plots[0].items() if type(i).__name__ == "InfiniteLine"]
    assert [line.value() for line in lines] == [12.5]


@pytest.fixture
def scatter(qtbot):
    from app.evaluate_view.tsne_scatter import TsneScatter

    widget = TsneScatter()
    qtbot.addWidget(widget)
    widget.resize(900, 560)
    widget.show()
    qtbot.waitExposed(widget)  # the view's range, hence the mouse's mapping, is laid out
    rng = np.random.default_rng(1)
    coords = rng.normal(size=(300, 2)).astype(np.float32)
    coords[100:200] += 6  # real lesions apart from normal tissue
    coords[200:] += (6, -6)  # synthetic lesions
    kind = np.array(["normal"] * 100 + ["real_lesion"] * 100 + ["synthetic_lesion"] * 100)
    lesion_type = np.array([""] * 100 + ["mass", "calcification"] * 50 + ["mass"] * 100)
    patch_id = np.r_[np.arange(200), -np.ones(100, np.int64)]
    asked: list[np.ndarray] = []

    def images(rows: np.ndarray) -> np.ndarray:
        asked.append(rows)
        return np.stack([np.full((128, 128), r / 300, np.float32) for r in rows])

    def to_csv(path: str) -> None:
        Path(path).write_text("x,y,kind\n")

    widget.set_map(coords, kind, lesion_type, patch_id, images, to_csv)
    widget.asked = asked
    QTest.qWait(20)
    return widget


def _screen_pos(widget, x: float, y: float) -> QPoint:
    scene = widget.view.mapViewToScene(QPointF(x, y))
    return widget.plot.mapFromScene(scene)


def _mouse(viewport, kind: QEvent.Type, pos: QPoint, held: bool) -> None:
    """A mouse event delivered at once with its buttons, moves spaced as a hand spaces them:
    pyqtgraph drops a move that comes sooner than 1/mouseRateLimit s after the last one (10 ms
    by default), so back-to-back QTest moves were lost on a fast or a loaded machine."""
    if kind == QEvent.Type.MouseMove:
        QTest.qWait(2 * 1000 // pg.getConfigOption("mouseRateLimit"))
    left = Qt.MouseButton.LeftButton
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else left
    ev = QMouseEvent(
        kind,
        QPointF(pos),
        QPointF(viewport.mapToGlobal(pos)),
        button,
        left if held else Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, ev)


def test_the_scatter_shows_points_coloured_by_kind_and_by_lesion_type(scatter):
    from app.evaluate_view.tsne_scatter import KINDS

    legend = [label.text for _sample, label in scatter.legend.items]
    assert legend == ["Real lesion (100)", "Synthetic lesion (100)", "Normal tissue (100)"]
    # the saved PNG's palette, and real lesions drawn above synthetic ones (none hidden)
    items = {name: item for name, (item, _rows) in scatter.items.items()}
    for kind, (name, _colour) in KINDS.items():
        assert items[name].opts["brush"].color().name() == KIND_COLOURS[kind]
    z = {name: item.zValue() for name, item in items.items()}
    assert z["Real lesion"] > z["Synthetic lesion"] > z["Normal tissue"]
    assert sum(len(item.data) for item, _rows in scatter.items.values()) == 300
    scatter.colour_by.setCurrentText("lesion type")
    legend = {label.text for _sample, label in scatter.legend.items}
    assert legend == {"Normal tissue (100)", "calcification (50)", "mass (50)"} | {
        "mass (synthetic) (100)"
    }
    frame = scatter.coords.copy()
    frame[250:] = np.nan  # a frame of a map still placing its synthetic points
    scatter.set_coords(frame)
    assert scatter.info.text() == "250 points, 50 not placed yet"


def test_hover_shows_the_patch_and_selections_show_the_selected_patches(qtbot, scatter):
    target = scatter.coords[150]
    viewport = scatter.plot.viewport()
    _mouse(viewport, QEvent.Type.MouseMove, _screen_pos(scatter, *target), held=False)
    qtbot.waitUntil(lambda: scatter.hovered is not None)
    assert (
        scatter.hovered == int(np.argmin(((scatter.coords - target) ** 2).sum(axis=1)))
        and scatter.hover_image.image is not None
    )
    assert scatter.hover_caption.text().startswith("Real lesion")

    scatter.set_tool("box")  # drag a box around the synthetic cluster
    lo, hi = scatter.coords[200:].min(axis=0) - 0.1, scatter.coords[200:].max(axis=0) + 0.1
    _mouse(viewport, QEvent.Type.MouseButtonPress, _screen_pos(scatter, lo[0], hi[1]), held=True)
    _mouse(viewport, QEvent.Type.MouseMove, _screen_pos(scatter, lo[0] + 0.5, hi[1]), held=True)
    _mouse(viewport, QEvent.Type.MouseMove, _screen_pos(scatter, hi[0], lo[1]), held=True)
    _mouse(viewport, QEvent.Type.MouseButtonRelease, _screen_pos(scatter, hi[0], lo[1]), held=False)
    qtbot.waitUntil(lambda: len(scatter.selected) > 0)
    assert set(scatter.selected) == set(range(200, 300))
    assert scatter.selection_grid.image is not None
    assert "100 selected: 100 synthetic lesion" in scatter.selection_caption.text()

    scatter.set_tool("lasso")  # an octagon drawn around the normal tissue's cluster
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    outline = 4.5 * np.c_[np.cos(angles), np.sin(angles)]
    scatter.select_outline(outline)
    assert set(scatter.selected) == set(range(100))


def test_the_map_exports_png_and_csv(scatter, tmp_path, monkeypatch):
    answers = iter([str(tmp_path / "map.png"), str(tmp_path / "map.csv")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (next(answers), ""))
    QTest.mouseClick(scatter.png_button, Qt.MouseButton.LeftButton)
    QTest.mouseClick(scatter.csv_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "map.png").stat().st_size > 1000
    assert (tmp_path / "map.csv").read_text().startswith("x,y,kind")


def test_a_tsne_map_builds_with_moving_points_and_reopens_at_once(qtbot, panel):
    tab = panel.tsne
    panel.tabs.setCurrentWidget(tab)
    assert "No map of this run yet" in tab.status.text()
    tiny = {"synthetic": 20, "early_iter": 20, "n_iter": 20, "place_iter": 10, "chunk": 10}
    for name, value in {**tiny, "perplexity": 5.0, "threads": 1}.items():
        tab.form.editors[name].set(value)
    QTest.mouseClick(tab.build_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab._task is None, timeout=TIMEOUT)
    assert tab._frames >= 2, tab.status.text()  # the points moved while it was built
    scatter = tab.scatter
    legend = {label.text for _sample, label in scatter.legend.items}
    assert legend == {"Real lesion (2)", "Synthetic lesion (20)", "Normal tissue (35)"}
    assert np.isfinite(scatter.coords).all() and tab.status.text().startswith("Map: ")
    shown = scatter.coords.copy()
    scatter.select_outline(np.array([[-1e6, -1e6], [1e6, -1e6], [1e6, 1e6], [-1e6, 1e6]]))
    assert len(scatter.selected) == 57 and scatter.selection_grid.image is not None
    _save_picture(panel, "evaluate_tsne.png")

    scatter.clear()
    tab.show_run(panel.workspace, panel.picker.run, panel.picker.checkpoint)  # reopened
    assert np.array_equal(scatter.coords, shown)


def test_a_remembered_weights_file_that_is_gone_is_a_note_not_a_traceback(
    qtbot, main_window, trained_template, tmp_path, dialogs_log
):
    from mammogan_core.metrics.user_settings import (
        INCEPTION_KEY,
        read_user_settings,
        remember,
    )

    remember(INCEPTION_KEY, str(tmp_path / "deleted.pth"))  # remembered, then deleted
    assert main_window.open_workspace(Path(shutil.copytree(trained_template, tmp_path / "ws")))
    panel = main_window.show_panel("evaluate")
    assert panel.weights_note.isVisible() and "deleted.pth is gone" in panel.weights_note.text()
    assert panel.form.value().inception_weights == ""

    weights = tmp_path / "chosen.pth"  # chosen in the form, then gone before Evaluate
    weights.write_bytes(b"not read")
    panel.form.editors["inception_weights"].set(str(weights))
    assert not panel.weights_note.isVisible()
    weights.unlink()
    QTest.mouseClick(panel.evaluate_button, Qt.MouseButton.LeftButton)
    assert panel._task is None and not dialogs_log["errors"]  # nothing started, no dialog
    assert "gone" in panel.status.text()
    assert panel.weights_note.isVisible() and "chosen.pth is gone" in panel.weights_note.text()
    assert panel.form.value().inception_weights == ""  # Evaluate again runs without FID
    assert read_user_settings()[INCEPTION_KEY] == str(tmp_path / "deleted.pth")


def test_a_table_cell_marks_custom_weights_and_a_figure_like_real() -> None:
    from app.evaluate_view.evaluations import Evaluation
    from app.evaluate_view.metrics_table import figure

    estimate = {"value": 12.0, "ci": [10.0, 14.0], "floor": 11.0, "floor_ci": [9.0, 13.0]}
    custom = "inception-v3-fid, custom weights (sha256 0123456789abcdef…): not comparable"
    ev = Evaluation(
        "run",
        3,
        None,
        "evaluation",
        {},
        values={"fid": 12.0, "kid": 0.002},
        estimates={
            "fid": {**estimate, "features": custom, "indistinguishable_from_real": True},
            "kid": {**estimate, "value": 2.0, "features": "random-conv-v1"},
        },
    )
    assert figure(ev, "fid") == "≈ 12 [10, 14]  (11) custom weights"
    assert figure(ev, "kid") == "2 [10, 14]  (11)"  # KID stored unscaled, shown x 10³
