"""The Experiment panel on a copy of the study workspace, driven by clicks and keys: opened from
the sidebar, a tiny study run with the plot and tables filling in as cells finish, the study
reopened from the list after the workspace was closed, its PNG and CSV opened, and a cancelled
study that Resume finishes without redoing a cell. A picture of the panel is saved for a person
to look at (MAMMOGAN_SCREENSHOTS=DIR keeps it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.file_views import ImageDialog
from app.help import SHORTCUTS
from mammogan_core.events import CellFinished
from mammogan_core.experiment.store import list_studies, load_study
from mammogan_core.palette import MODE_COLOURS
from mammogan_core.workspace import Workspace

TIMEOUT = 120_000
# two modes without a generator, two k, two folds, one seed: 8 cells of a second or less
TINY = {"k": "2, 4", "folds": 2, "normal_ratio": 3, "classifier_steps": 2, "seeds": 1}
MODES = ("ORG", "AugORG")
CELLS = len(MODES) * 2 * 2


@pytest.fixture
def panel(qtbot, main_window, study_ws_copy):
    assert main_window.open_workspace(study_ws_copy)
    main_window.nav.setCurrentRow(main_window._names.index("experiment"))  # the sidebar
    panel = main_window.stack.currentWidget()
    assert type(panel).__name__ == "ExperimentPanel"
    assert panel.studies.studies == [] and not panel.resume_button.isEnabled()
    form = panel.form
    for name, value in TINY.items():
        widget = form.editors[name].widget
        widget.selectAll()
        qtbot.keyClicks(widget, str(value))
    form.editors["classifier_preset"].widget.setCurrentText("tiny")
    form.editors["device"].widget.setCurrentText("cpu")
    for item in form.editors["modes"].widget.items():
        if item.text() not in MODES:
            item.setCheckState(Qt.CheckState.Unchecked)
    options = form.value()
    assert options is not None, form.problem_text()
    assert (options.k, options.modes, options.folds) == ((2, 4), MODES, 2)
    return panel


def start(qtbot, main_window, button) -> tuple[object, list]:
    """Click a button that starts the study; the task's events are collected from then on."""
    events: list = []
    with qtbot.waitSignal(main_window.ctx.tasks.task_started) as started:
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    started.args[0].event.connect(events.append)
    return started.args[0], events


def cells_of(events: list) -> list[tuple[str, int, int]]:
    return [(e.cell.mode, e.cell.k, e.cell.fold) for e in events if isinstance(e, CellFinished)]


def plotted(panel, metric: str = "f1") -> dict[str, list[float]]:
    """The k of each mode's visible line in one panel (F1, AP or AUC)."""
    out = {}
    for mode, items in panel.plot.panels[metric].modes.items():
        x, _y = items.line.getData()
        if items.line.isVisible() and x is not None and len(x):
            out[mode] = [round(v) for v in x]
    return out


def test_run_a_tiny_study_then_reopen_it_and_open_its_files(
    qtbot, main_window, panel, study_ws_copy, monkeypatch
):
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True
    )
    keys = {b.shortcut().toString() for b in (panel.run_button, panel.cancel_button)}
    assert keys | {panel.resume_button.shortcut().toString()} == {
        key
        for key, _what in dict(SHORTCUTS)["Experiment panel"]  # documented under F1
    }
    assert "Ctrl+Return" in panel.run_button.toolTip()
    _task, events = start(qtbot, main_window, panel.run_button)
    assert panel.cancel_button.isEnabled() and not panel.run_button.isEnabled()
    assert not panel.form.isEnabled() and panel.progress.isVisible()
    # the plot fills in while the study runs: a first line before the last cell
    qtbot.waitUntil(lambda: "ORG" in plotted(panel), timeout=TIMEOUT)
    assert panel.running and panel.progress.maximum() == CELLS
    assert panel.status.text().startswith("Now: fold ")  # the cell running
    qtbot.waitUntil(lambda: not panel.running, timeout=TIMEOUT)
    assert len(cells_of(events)) == CELLS
    for metric in ("f1", "ap", "auc"):  # one panel each, in the core's colours
        assert plotted(panel, metric) == {"ORG": [2, 4], "AugORG": [2, 4]}
    pen = panel.plot.panels["ap"].modes["AugORG"].line.opts["pen"]
    assert pen.color().name() == MODE_COLOURS["AugORG"]
    assert MODE_COLOURS["AugORG"] in panel.plot.legend.text()
    assert panel.tables.summary.rowCount() == 4 and panel.tables.cells.rowCount() == CELLS
    assert panel.tables.comparisons.rowCount() == 2 * 3  # AugORG - ORG at each k, 3 metrics
    assert panel.tables.summary.item(0, 3).text().startswith("[")  # the F1 interval
    # the study's warnings are shown, as the CLI prints them
    with Workspace.open(study_ws_copy) as ws:
        expected = load_study(ws, panel.studies.selected()["id"]).warnings
    assert expected and all(w in panel.warnings_label.text() for w in expected)
    assert panel.warnings_label.isVisibleTo(panel)
    study = panel.studies.selected()
    assert study is not None and study["status"] == "finished"
    assert f"{study['id']}</b>: finished, {CELLS} of {CELLS} cells" in panel.status.text()
    _save_picture(panel, "experiment_panel.png")

    # closed and opened again: the stored study is shown at once, from the list
    main_window.ctx.set_workspace(None)
    assert plotted(panel) == {} and panel.tables.summary.rowCount() == 0
    assert main_window.open_workspace(study_ws_copy)
    main_window.show_panel("experiment")
    assert panel.studies.selected_id() == study["id"]
    assert plotted(panel) == {"ORG": [2, 4], "AugORG": [2, 4]}
    assert panel.tables.cells.rowCount() == CELLS

    QTest.mouseClick(panel.plot_button, Qt.MouseButton.LeftButton)
    QTest.mouseClick(panel.csv_button, Qt.MouseButton.LeftButton)
    folder = study_ws_copy / "runs" / study["id"]
    # the plot is shown in the app (no launcher needed); the table goes to the desktop
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, ImageDialog)]
    assert [d.path for d in shown] == [folder / "metrics_vs_k.png"]
    assert not shown[0].pixmap.isNull()
    assert opened == [str(folder / "results.csv")]


def test_a_cancelled_study_is_finished_by_resume_without_redoing_a_cell(
    qtbot, main_window, panel, study_ws_copy
):
    task, events = start(qtbot, main_window, panel.run_button)
    # Cancel as soon as the first cell is in: the study stops after the cell it is running
    task.event.connect(
        lambda ev: (
            isinstance(ev, CellFinished)
            and panel.cancel_button.isEnabled()
            and QTest.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
        )
    )
    qtbot.waitUntil(lambda: not panel.running, timeout=TIMEOUT)
    before = cells_of(events)
    assert 1 <= len(before) < CELLS
    study = panel.studies.selected()
    assert study is not None and study["status"] == "stopped"
    assert "Resume runs the cells it lacks" in panel.status.text()
    assert panel.resume_button.isEnabled() and "Ctrl+R" in panel.resume_button.toolTip()
    assert panel.tables.cells.rowCount() == len(before)

    panel.resume_button.setFocus()
    with qtbot.waitSignal(main_window.ctx.tasks.task_started) as started:
        QTest.keyClick(panel, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    resumed: list = []
    started.args[0].event.connect(resumed.append)
    qtbot.waitUntil(lambda: not panel.running, timeout=TIMEOUT)
    after = cells_of(resumed)
    assert not set(before) & set(after)  # no finished cell was run again
    assert len(before) + len(after) == CELLS
    assert panel.studies.selected()["status"] == "finished"
    assert panel.tables.cells.rowCount() == CELLS
    with Workspace.open(study_ws_copy) as ws:
        assert [s["id"] for s in list_studies(ws)] == [study["id"]]
        assert len(load_study(ws, study["id"]).results) == CELLS


def test_a_study_that_cannot_run_says_why(qtbot, main_window, panel, dialogs_log):
    k = panel.form.editors["k"].widget
    k.selectAll()
    qtbot.keyClicks(k, "2, x")
    assert not panel.run_button.isEnabled()
    assert "Real lesions k" in panel.reason_label.text()
    k.selectAll()
    qtbot.keyClicks(k, "2, 500")  # valid as a setting, more than the folds' training lesions
    assert panel.run_button.isEnabled() and panel.reason_label.text() == ""
    start(qtbot, main_window, panel.run_button)
    qtbot.waitUntil(lambda: not panel.running, timeout=TIMEOUT)
    assert "Study failed: " in panel.status.text() and "500" in panel.status.text()
    assert dialogs_log["errors"] and panel.studies.studies == []  # nothing was stored


def _save_picture(panel, name: str) -> None:
    folder = Path(os.environ.get("MAMMOGAN_SCREENSHOTS", "") or panel.workspace.root)
    window = panel.window()
    window.resize(1280, 800)
    QTest.qWait(50)
    assert window.grab().save(str(folder / name))
