"""Each panel on the demo workspace, driven as a person drives it: menu actions, shortcuts and
button clicks, each main task run from start to stop, and what the labels, bars and plots then
show. Any exception reaching the excepthook (a slot that raised) fails the test."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest

from app.panels import PANELS
from mammogan_core.training import PRESETS
from mammogan_core.workspace import Workspace

TIMEOUT = 120_000
TITLES = ["Welcome"] + [title for _n, title, _s, _c in PANELS]


@contextmanager
def no_exceptions(qtbot) -> Iterator[None]:
    with qtbot.captureExceptions() as caught:
        yield
    assert not caught, "".join(traceback.format_exception(*caught[0]))


def press(window, keys: str) -> None:
    window.activateWindow()
    QTest.keySequence(window, QKeySequence(keys))


def view_actions(window) -> dict[str, QAction]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    return {a.text(): a for a in menu.actions() if a.text() in TITLES}


def test_shell_view_menu_and_shortcuts_open_every_panel(qtbot, main_window, demo_ws):
    with no_exceptions(qtbot):
        assert main_window.open_workspace(demo_ws)
        assert main_window.workspace_label.text() == f"Workspace: {demo_ws.resolve()}"
        actions = view_actions(main_window)
        assert list(actions) == TITLES
        for row, title in enumerate(TITLES):
            actions[title].trigger()  # Qt passes `checked` to the slot
            assert main_window.nav.currentRow() == row
            assert main_window.nav.currentItem().text() == title
        for row in range(len(TITLES)):
            press(main_window, f"Ctrl+{row + 1}")
            assert main_window.nav.currentRow() == row, f"Ctrl+{row + 1}"
            assert main_window.stack.currentIndex() == row
        visible = main_window.log_dock.isVisible()
        press(main_window, "Ctrl+L")
        assert main_window.log_dock.isVisible() is not visible
        assert "opened workspace" in main_window.log_view.toPlainText()


def test_welcome_opens_the_finished_demo_at_once(qtbot, main_window, demo_ws, monkeypatch):
    monkeypatch.setenv("MAMMOGAN_DEMO_DIR", str(demo_ws))
    with no_exceptions(qtbot):
        press(main_window, "Ctrl+1")
        assert main_window.stack.currentWidget() is main_window.welcome
        qtbot.mouseClick(main_window.welcome.demo_button, Qt.MouseButton.LeftButton)
        assert main_window.ctx.tasks.running == []  # complete: opened, not rebuilt
        assert main_window.ctx.workspace is not None
        assert main_window.windowTitle() == "MammoGAN — demo"
        assert main_window.nav.currentItem().text() == "Data"
        data = main_window.panel("data")
        assert "<b>4</b> images" in data.counts_label.text()
        assert main_window.welcome.recent.item(0).text() == str(demo_ws.resolve())


def test_data_imports_the_demo_corpus_and_extracts(qtbot, main_window, demo_ws, tmp_path):
    corpus = demo_ws / "data" / "phantom"
    Workspace.create(tmp_path / "study").close()
    with no_exceptions(qtbot):
        assert main_window.open_workspace(tmp_path / "study")
        press(main_window, "Ctrl+2")
        panel = main_window.stack.currentWidget()
        assert panel is main_window.panel("data")
        assert "<b>0</b> images" in panel.counts_label.text()
        editors = panel.import_form.editors
        qtbot.keyClicks(editors["source"].widget.edit, str(corpus))
        qtbot.keyClicks(editors["format"].widget, "generic")
        qtbot.keyClicks(editors["annotations"].widget.edit, str(corpus / "annotations.csv"))
        assert panel.import_form.value() is not None, panel.import_form.problem_text()
        qtbot.mouseClick(panel.import_button, Qt.MouseButton.LeftButton)
        assert not panel.import_button.isEnabled() and panel.progress.isVisible()
        qtbot.waitUntil(lambda: panel.import_button.isEnabled(), timeout=TIMEOUT)
        assert panel.summary_label.text().startswith("Imported <b>4</b> images")
        assert "<b>4</b> images" in panel.counts_label.text()
        assert not panel.progress.isVisible()

        qtbot.mouseClick(panel.extract_button, Qt.MouseButton.LeftButton)
        assert main_window.indicator.label.text().startswith("Extract")
        qtbot.waitUntil(lambda: panel.extract_button.isEnabled(), timeout=TIMEOUT)
        assert panel.summary_label.text().startswith("Extracted <b>")
        with Workspace.open(tmp_path / "study") as ws:
            counts = ws.counts()
        assert counts["lesion_patches"] > 0 and counts["normal_patches"] > 0
        assert f"<b>{counts['lesion_patches']:,}</b> lesion" in panel.counts_label.text()
        assert f"<b>{counts['normal_patches']:,}</b> normal" in panel.summary_label.text()
        assert main_window.indicator.label.text() == "Ready"


def test_browse_shows_the_demo_mammograms_and_patches(qtbot, main_window, demo_ws):
    with no_exceptions(qtbot):
        assert main_window.open_workspace(demo_ws)
        press(main_window, "Ctrl+3")
        panel = main_window.stack.currentWidget()
        assert panel is main_window.panel("browse")
        viewer, browser = panel.viewer, panel.browser
        assert viewer.image_list.count() == 4
        with qtbot.waitSignal(viewer.image_shown, timeout=TIMEOUT) as shown:
            viewer.image_list.setCurrentRow(0)
        assert shown.args[0] == viewer.image_id
        assert viewer.canvas.pixels is not None and viewer.canvas.pixels.ndim == 2
        with Workspace.open(demo_ws) as ws:
            n_patches = ws.counts()["lesion_patches"] + ws.counts()["normal_patches"]
        panel.tabs.setCurrentWidget(browser)
        assert browser.model.rowCount() == n_patches
        assert browser.count_label.text() == f"{n_patches:,} patches"
        browser.label_box.setCurrentIndex(browser.label_box.findData("lesion"))
        assert 0 < browser.model.rowCount() < n_patches


def test_train_start_see_curves_stop_then_the_newest_run_is_shown(qtbot, main_window, demo_ws):
    with no_exceptions(qtbot):
        assert main_window.open_workspace(demo_ws)
        press(main_window, "Ctrl+4")
        panel = main_window.stack.currentWidget()
        assert panel is main_window.panel("train")
        demo_run = panel.runs.runs[0]["id"]
        assert panel.status.values["Run"].text() == demo_run
        assert panel.status.state.text().startswith("Last run: finished")

        panel.form.set_value(PRESETS["tiny"])  # hidden from the list: tests only
        qtbot.mouseClick(panel.form.advanced_button, Qt.MouseButton.LeftButton)
        assert panel.form.boxes["Advanced"].isVisible()
        # no progress event before the stop: the run's length must come from the run itself
        for name, value in {"epochs": 400, "metrics_every": 10_000, "sample_every": 10_000}.items():
            spin = panel.form.editors[name].widget
            spin.selectAll()
            qtbot.keyClicks(spin, str(value))
        config = panel.form.value()
        assert config is not None, panel.form.problem_text()
        assert (config.epochs, config.metrics_every, config.sample_every) == (400, 10_000, 10_000)
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: panel.status.values["Run"].text() not in ("starting…", demo_run),
            timeout=TIMEOUT,
        )
        new_run = panel.status.values["Run"].text()
        total = panel.status.total
        assert total >= 400 and total % 400 == 0  # epochs x steps per epoch
        assert panel.status.values["Step"].text() == f"0 / {total:,}"
        assert panel.status.bar.maximum() == total
        qtbot.waitUntil(lambda: panel.live.grids.real.image is not None, timeout=TIMEOUT)
        qtbot.wait(300)  # a few steps
        qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not panel.training, timeout=TIMEOUT)

        state = panel.status.state.text()
        assert state.startswith("Stopped at step "), state
        step = int(state.removeprefix("Stopped at step ").split()[0].replace(",", ""))
        assert 0 < step < total
        assert panel.status.values["Step"].text() == f"{step:,} / {total:,}"
        assert (panel.status.bar.value(), panel.status.bar.maximum()) == (step, total)
        assert panel.status.bar.text() == f"{step} / {total} steps"
        curves = panel.live.curves
        qtbot.waitUntil(lambda: curves.items["loss_d"].xData is not None, timeout=5000)
        assert list(curves.items["loss_d"].xData) == [step]  # the stop's window, as a dot
        assert curves.items["loss_d"].opts["symbol"] == "o"
        for plot in curves.plots:
            (x0, x1), _ = plot.getViewBox().viewRange()
            assert 0 <= x0 <= step <= x1
        assert panel.live.grids.fake.image is not None  # the stop's sample grid

        main_window.ctx.set_workspace(None)
        assert main_window.open_workspace(demo_ws)
        assert panel.runs.runs[0]["id"] == new_run  # newest first, and shown as the last run
        assert panel.status.values["Run"].text() == new_run
        assert panel.status.state.text().startswith(f"Last run: stopped at step {step:,}")
        assert panel.status.values["Step"].text() == f"{step:,} / {total:,}"
