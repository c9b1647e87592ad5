"""The Train panel with real tiny CPU training: live curves and grids, pause/resume, checkpoint
now, stop, the runs list, resuming a stopped run, form validation and closing while training."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from mammogan_core.events import CheckpointSaved, Finished, Log, StepMetrics
from mammogan_core.training import PRESETS
from mammogan_core.workspace import Workspace

TIMEOUT = 60_000


@pytest.fixture
def ws_path(tmp_path) -> Path:
    path = tmp_path / "study"
    ws = Workspace.create(path)
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (32, 128, 128), dtype=np.uint8)
    rows = [
        {"label": "lesion", "lesion_type": "mass" if i % 4 else "calcification", "split": "train"}
        for i in range(32)
    ]
    ws.add_patches(pixels, rows)
    ws.close()
    return path


@pytest.fixture
def panel(main_window, ws_path):
    assert main_window.open_workspace(ws_path)
    return main_window.show_panel("train")


def type_value(qtbot, widget, value: object) -> None:
    """Select a spin box's or a text field's value and type another, as a person does."""
    widget.selectAll()
    qtbot.keyClicks(widget, str(value))


def configure(qtbot, panel, epochs: int, **values) -> None:
    """The tiny preset, 4 steps an epoch, frequent grids and curve points."""
    form = panel.form
    form.set_value(PRESETS["tiny"])  # hidden from the list: tests only
    if not form.advanced_button.isChecked():  # metrics_every is an advanced setting
        qtbot.mouseClick(form.advanced_button, Qt.MouseButton.LeftButton)
    settings = {"epochs": epochs, "batch_size": 8, "sample_every": 3, "metrics_every": 2}
    for name, value in {**settings, **values}.items():
        type_value(qtbot, form.editors[name].widget, value)
    assert form.value() is not None, form.problem_text()
    assert (form.value().epochs, form.value().batch_size) == (epochs, 8)


def start(qtbot, main_window, button) -> tuple[object, list]:
    events: list = []
    with qtbot.waitSignal(main_window.ctx.tasks.task_started) as started:
        button.click()
    task = started.args[0]
    task.event.connect(events.append)
    return task, events


def metrics(events: list) -> list[StepMetrics]:
    return [e for e in events if isinstance(e, StepMetrics)]


def test_live_training_pause_checkpoint_stop_and_resume(qtbot, main_window, panel):
    configure(qtbot, panel, epochs=500, checkpoint_every=100)
    assert panel.start_button.isEnabled() and "Ctrl+Return" in panel.start_button.toolTip()
    task, events = start(qtbot, main_window, panel.start_button)
    assert not panel.start_button.isEnabled() and not panel.form.isEnabled()
    assert panel.stop_button.isEnabled() and panel.pause_button.isEnabled()

    curve = panel.live.curves.items["loss_d"]
    qtbot.waitUntil(lambda: curve.xData is not None and len(curve.xData) > 0, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: panel.live.grids.fake.image is not None, timeout=TIMEOUT)
    grids = panel.live.grids
    assert grids.real.image is not None and not grids.fake.pixmap().isNull()
    assert (grids.fake.image.width(), grids.fake.image.height()) == (512, 512)
    assert len(panel.live.curves.items["d_g_z"].xData) == len(curve.xData)
    assert "/ 2,000" in panel.status.values["Step"].text()  # 500 epochs x 4 steps
    assert panel.status.values["Device"].text() == "cpu"
    assert panel.status.values["Run"].text().startswith("train-")

    main_window.activateWindow()
    panel.live.curves.setFocus()
    qtbot.keyClick(panel.live.curves, Qt.Key.Key_Space)  # the panel-wide pause shortcut
    indicator = main_window.indicator  # the status bar's pause follows the panel's, and back
    assert task.control.paused and panel.pause_button.text() == "Resume"
    assert indicator.pause_button.isChecked() and indicator.pause_button.text() == "Resume"
    assert not panel.checkpoint_button.isEnabled()
    seen = len(metrics(events))
    indicator.pause_button.click()
    assert not task.control.paused and panel.pause_button.text() == "Pause"
    assert not panel.pause_button.isChecked() and panel.checkpoint_button.isEnabled()
    assert indicator.pause_button.text() == "Pause"
    qtbot.waitUntil(lambda: len(metrics(events)) > seen + 1, timeout=TIMEOUT)
    indicator.pause_button.click()
    assert task.control.paused and panel.pause_button.isChecked()
    assert panel.status.state.text().startswith("Paused")
    panel.pause_button.click()
    assert not task.control.paused and not indicator.pause_button.isChecked()

    panel.checkpoint_button.click()  # the schedule's next checkpoint is 400 steps away
    qtbot.waitUntil(lambda: any(isinstance(e, CheckpointSaved) for e in events), timeout=TIMEOUT)

    with qtbot.waitSignal(task.finished, timeout=TIMEOUT) as done:
        panel.stop_button.click()
    summary = done.args[0]
    assert summary.status == "stopped" and Path(summary.checkpoint).is_file()
    qtbot.waitUntil(panel.start_button.isEnabled, timeout=TIMEOUT)
    assert panel.form.isEnabled() and not panel.stop_button.isEnabled()
    run = next(r for r in panel.runs.runs if r["id"] == summary.run)
    assert run["status"] == "stopped" and run["step"] == summary.steps
    panel.runs.select(summary.run)
    assert panel.runs.preview.image is not None  # its latest fake grid
    assert summary.run in panel.explorer.run_box.itemText(0)

    panel.tabs.setCurrentIndex(1)
    assert panel.resume_button.isEnabled()
    task, events = start(qtbot, main_window, panel.resume_button)
    qtbot.waitUntil(lambda: len(metrics(events)) > 0, timeout=TIMEOUT)
    resumed = [e.message for e in events if isinstance(e, Log) and "resumed" in e.message]
    assert f"from step {summary.steps}" in resumed[0]
    assert metrics(events)[0].step > summary.steps
    assert panel.live.curves.buffer.steps[0] < summary.steps  # the run's history, then new points
    qtbot.waitUntil(lambda: len(curve.xData) == panel.live.curves.buffer.size, timeout=TIMEOUT)
    with qtbot.waitSignal(task.finished, timeout=TIMEOUT) as done:
        panel.stop_button.click()
    assert done.args[0].resumed_from_step == summary.steps
    assert done.args[0].steps > summary.steps
    real = panel.live.grids.last["real"]  # uniform noise patches: mean 127.5 at any scale
    assert abs(real.mean() - 127.5) < 10, f"the real grid is not the patches (mean {real.mean()})"


def test_invalid_values_disable_start_with_the_reason(qtbot, main_window, panel):
    configure(qtbot, panel, epochs=2)
    assert panel.start_button.isEnabled()
    type_value(qtbot, panel.form.editors["lr_g"].widget, "fast")
    assert not panel.start_button.isEnabled()
    assert "Learning rate G: cannot read 'fast' as a number" in panel.start_button.toolTip()
    assert panel.form.editors["lr_g"].widget.property("invalid")
    assert "as a number" in panel.reason_label.text()
    type_value(qtbot, panel.form.editors["lr_g"].widget, "1e-4")
    assert panel.start_button.isEnabled() and not panel.reason_label.text()
    assert panel.form.value().lr_g == pytest.approx(1e-4)

    type_value(qtbot, panel.form.editors["real_label_min"].widget, "0.9")
    type_value(qtbot, panel.form.editors["real_label_max"].widget, "0.8")
    assert not panel.start_button.isEnabled()
    assert panel.form.editors["real_label_max"].widget.property("invalid")
    assert "must not be below --real-label-min (0.9)" in panel.reason_label.text()
    type_value(qtbot, panel.form.editors["real_label_max"].widget, "1")
    assert panel.start_button.isEnabled()

    types = panel.form.editors["lesion_types"].widget
    assert sorted(i.text() for i in types.items()) == ["calcification", "mass"]
    types.items()[0].setCheckState(Qt.CheckState.Unchecked)
    assert panel.form.value().lesion_types == ("mass",)
    assert "24" in panel.form.selection_label.text()  # 3 of every 4 patches are masses
    panel.form.editors["label"].widget.setCurrentText("normal")
    assert not panel.start_button.isEnabled() and "no normal patches" in panel.reason_label.text()


def test_without_a_workspace_start_says_why(main_window):
    panel = main_window.show_panel("train")
    assert not panel.start_button.isEnabled()
    assert "Open a workspace first" in panel.reason_label.text()


def test_latent_explorer_interpolates_a_finished_run(qtbot, main_window, ws_path):
    from mammogan_core.control import Control
    from mammogan_core.training import preset_config, train

    with Workspace.open(ws_path) as ws:
        *_, last = train(ws, preset_config("tiny", epochs=1, batch_size=8), Control())
    assert isinstance(last, Finished) and last.summary.status == "finished"
    assert main_window.open_workspace(ws_path)
    panel = main_window.show_panel("train")
    panel.tabs.setCurrentWidget(panel.explorer)
    explorer = panel.explorer
    assert explorer.run_box.currentText() == last.summary.run
    explorer.steps.setValue(5)
    before = explorer.seed_b.value()
    explorer.new_b.click()
    assert explorer.seed_b.value() != before  # a new random seed (1 in a million to repeat)
    with qtbot.waitSignal(main_window.ctx.tasks.task_started) as started:
        explorer.compute_button.click()
    with qtbot.waitSignal(started.args[0].ended, timeout=TIMEOUT):
        pass
    assert len(explorer.frames) == 5 and all(f.shape == (128, 128) for f in explorer.frames)
    assert explorer.strip.count() == 10  # an image and a caption per frame
    shown = [explorer.strip.itemAt(i).widget() for i in range(10)]
    qtbot.waitUntil(lambda: all(w.isVisible() for w in shown))
    assert [w.text() for w in shown[1::2]] == ["A", "t = 0.25", "t = 0.50", "t = 0.75", "B"]
    assert "from seed 1" in explorer.caption.text()
    # opening the workspace again shows that last run in the live tab: curves and grids
    assert main_window.open_workspace(ws_path)
    live = panel.live
    assert last.summary.run in live.status.values["Run"].text()
    assert "Last run: finished" in live.status.state.text()
    assert len(live.curves.items["loss_g"].xData) > 0
    assert live.grids.fake.pixmap() is not None and not live.grids.fake.pixmap().isNull()
    assert not live.grids.real.pixmap().isNull()


def test_interrupted_and_finished_runs_continue_from_the_runs_list(qtbot, main_window, ws_path):
    import json
    import os
    import socket

    from mammogan_core.control import Control
    from mammogan_core.training import preset_config, train

    with Workspace.open(ws_path) as ws:
        *_, last = train(ws, preset_config("tiny", epochs=1, batch_size=8), Control())
        run_id = last.summary.run
        # as if its process had been killed with SIGKILL during the run
        config = ws.runs_dir / run_id / "config.json"
        info = json.loads(config.read_text())
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        info["process"] = {"pid": dead.pid, "host": socket.gethostname(), "start": None}
        config.write_text(json.dumps(info))
        with ws.transaction() as conn:
            conn.execute("UPDATE runs SET status='running' WHERE id=?", (run_id,))
    assert main_window.open_workspace(ws_path)
    panel = main_window.show_panel("train")
    panel.tabs.setCurrentWidget(panel.runs)
    panel.runs.select(run_id)
    status = panel.runs.table.item(0, 2).text()
    assert status == ("interrupted" if os.name != "nt" else "running")
    assert panel.until_epoch.value() == 1 and panel.resume_button.isEnabled()
    panel.until_epoch.setValue(2)  # and train one more epoch
    task, events = start(qtbot, main_window, panel.resume_button)
    with qtbot.waitSignal(task.ended, timeout=TIMEOUT):
        pass
    (done,) = [e.summary for e in events if isinstance(e, Finished)]
    assert (done.status, done.steps, done.resumed_from_step) == ("finished", 8, 4)
    assert panel.runs.table.item(0, 2).text() == "finished"
    assert panel.until_epoch.value() == 2 and not panel.resume_button.isEnabled()
    panel.until_epoch.setValue(3)  # a finished run continues only for more epochs
    assert panel.resume_button.isEnabled()


def test_closing_during_training_asks_then_checkpoints(
    qtbot, main_window, panel, dialogs_log, ws_path
):
    configure(qtbot, panel, epochs=500, checkpoint_every=100)
    task, events = start(qtbot, main_window, panel.start_button)
    qtbot.waitUntil(lambda: len(metrics(events)) > 0, timeout=TIMEOUT)
    assert main_window.close()
    assert "Training (tiny)" in dialogs_log["questions"][-1][1]
    assert not task.running  # the shell waited for the trainer to stop
    with Workspace.open(ws_path) as ws:
        (run,) = ws.query("SELECT id, status, step FROM runs")
        ckpts = list((ws.runs_dir / run["id"] / "checkpoints").glob("ckpt_step*.pt"))
    assert run["status"] == "stopped" and run["step"] > 0
    assert [p.name for p in ckpts] == [f"ckpt_step{run['step']:09d}.pt"]


def test_the_window_with_the_train_panel_starts_without_torch():
    code = (
        "import sys; from app.application import create_application; "
        "from app.main_window import MainWindow; app = create_application(); "
        "w = MainWindow(); w.show_panel('train'); w.show(); app.processEvents(); "
        "print('torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "False"
