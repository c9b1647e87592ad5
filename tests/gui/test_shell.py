"""The GUI shell: panels, the worker layer (progress, cancel, errors) and closing safely."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from PySide6.QtWidgets import QLabel

from app.panels import PANEL_NAMES
from mammogan_core.control import Control
from mammogan_core.events import Finished, Log, Progress
from mammogan_core.workspace import Workspace


def counting(n: int, control: Control, delay: float = 0.01):
    for i in range(n):
        control.check()
        time.sleep(delay)
        yield Progress(i + 1, n, "counting")
    yield Finished({"counted": n})


def test_every_panel_opens_and_says_what_it_is(main_window, qapp):
    # Under the app's own style sheet, as users see it: styling calls virtuals such as
    # QWidget.metric(), which an attribute of the same name shadowed (a crash, not an error).
    from app.application import create_application

    create_application()
    try:
        for name in PANEL_NAMES:
            panel = main_window.show_panel(name)
            assert main_window.stack.currentWidget() is panel
            texts = " ".join(lbl.text() for lbl in panel.findChildren(QLabel))
            assert panel.isVisible() and texts.strip(), name
    finally:
        qapp.setStyleSheet("")


def test_open_workspace_and_recent_list(main_window, tmp_path):
    Workspace.create(tmp_path / "study").close()
    assert main_window.open_workspace(tmp_path / "study")
    assert str(tmp_path / "study") in main_window.workspace_label.text()
    assert main_window.welcome.recent.item(0).text() == str((tmp_path / "study").resolve())
    # the CLI's read-only commands fall back to it (in this test's own data folder)
    from mammogan_core import last_workspace

    assert last_workspace.last() == (tmp_path / "study").resolve()


def test_opening_a_non_workspace_shows_an_error(main_window, tmp_path, dialogs_log):
    assert not main_window.open_workspace(tmp_path)
    title, message, _ = dialogs_log["errors"][-1]
    assert title == "Cannot open workspace" and "not a MammoGAN workspace" in message


def test_worker_reports_progress_and_finishes(main_window, qtbot):
    task = main_window.ctx.tasks.start("Count", lambda c: counting(20, c, 0.0))
    with qtbot.waitSignal(task.finished, timeout=5000) as sig:
        pass
    assert sig.args[0] == {"counted": 20}
    qtbot.waitUntil(lambda: main_window.indicator.label.text() == "Ready")


def test_cancel_stops_the_generator_cleanly(main_window, qtbot):
    task = main_window.ctx.tasks.start("Long", lambda c: counting(10_000, c, 0.005))
    qtbot.waitUntil(lambda: main_window.indicator.bar.maximum() == 10_000, timeout=5000)
    assert main_window.indicator.cancel_button.isVisible()
    with qtbot.waitSignal(task.finished, timeout=5000) as sig:
        main_window.indicator.cancel_button.click()
    assert sig.args[0].get("stopped") is True
    assert main_window.indicator.bar.value() < 10_000


def test_pause_holds_the_generator(main_window, qtbot):
    seen: list[int] = []
    task = main_window.ctx.tasks.start("Pausable", lambda c: counting(10_000, c, 0.002))
    task.event.connect(lambda ev: isinstance(ev, Progress) and seen.append(ev.done))
    qtbot.waitUntil(lambda: len(seen) > 0, timeout=5000)
    main_window.indicator.pause_button.click()
    qtbot.wait(200)
    count = len(seen)
    qtbot.wait(300)
    assert len(seen) <= count + 1  # at most one event already in flight
    main_window.indicator.pause_button.click()
    qtbot.waitUntil(lambda: len(seen) > count + 1, timeout=5000)
    task.stop()
    qtbot.waitSignal(task.finished, timeout=5000)


def test_error_in_worker_reaches_a_dialog(main_window, qtbot, dialogs_log):
    def broken(control):
        yield Log("about to fail")
        raise ValueError("patch store exploded")

    task = main_window.ctx.tasks.start("Broken", broken)
    with qtbot.waitSignal(task.failed, timeout=5000):
        pass
    qtbot.waitUntil(lambda: bool(dialogs_log["errors"]))
    title, message, details = dialogs_log["errors"][-1]
    assert title == "Broken failed"
    assert "patch store exploded" in message and "Traceback" in details
    assert "patch store exploded" in main_window.log_view.toPlainText()


def test_closing_while_working_asks_then_stops(main_window, qtbot, dialogs_log):
    state = {"closed_cleanly": False}

    def long_op(control):
        try:
            yield from counting(100_000, control, 0.005)
        finally:
            state["closed_cleanly"] = True

    main_window.ctx.tasks.start("Training", long_op)
    dialogs_log["answers"].append(False)
    assert not main_window.close()
    assert "Training" in dialogs_log["questions"][-1][1]
    dialogs_log["answers"].append(True)
    assert main_window.close()
    assert state["closed_cleanly"]
    assert main_window.ctx.tasks.running == []


def test_screenshot_command_renders_a_panel(tmp_path):
    Workspace.create(tmp_path / "ws").close()
    shot = tmp_path / "train.png"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.entry",
            "gui",
            "--workspace",
            str(tmp_path / "ws"),
            "--panel",
            "train",
            "--screenshot",
            str(shot),
            "--size",
            "900x600",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    from PySide6.QtGui import QImage

    img = QImage(str(shot))
    assert (img.width(), img.height()) == (900, 600)


def test_window_starts_without_torch():
    """The window must show fast: torch is imported only when work needs it."""
    code = (
        "import json, sys\n"
        "from app.application import create_application\n"
        "from app.main_window import MainWindow\n"
        "app = create_application()\n"
        "w = MainWindow(); w.show(); app.processEvents()\n"
        "print(json.dumps('torch' in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) is False


def test_shortcut_reference_matches_the_real_shortcuts(main_window):
    from PySide6.QtGui import QAction, QKeySequence

    from app.help import SHORTCUTS, shortcuts_html

    listed = {key for _title, rows in SHORTCUTS for key, _what in rows}
    actions = {
        a.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
        for a in main_window.findChildren(QAction)
        if not a.shortcut().isEmpty()
    }
    for key in ("Ctrl+O", "Ctrl+N", "Ctrl+D", "Ctrl+L", "Ctrl+Q", "Ctrl+1", "Ctrl+8", "F1"):
        assert key in actions
    train = main_window.show_panel("train")
    assert set(train.shortcuts) <= listed  # every Train-panel shortcut is documented
    assert "Window presets" in shortcuts_html()


def test_the_demo_prints_what_the_workspace_holds_after_the_app_closes(
    tmp_path, monkeypatch, capsys
):
    """The summary printed before the window opened is stale once the user worked in the app."""
    from app import application, entry
    from mammogan_core.training import runs
    from mammogan_core.training.config import TrainConfig
    from mammogan_core.workspace import Workspace

    Workspace.create(tmp_path / "ws").close()

    def the_user_trains_twice(**request):  # the app's session, as far as the workspace sees it
        with Workspace.open(request["workspace"]) as ws:
            for run_id in ("run-a", "run-b"):
                runs.start_run(ws, run_id, {"train": TrainConfig().to_dict()}, fresh=True)
        return 0

    monkeypatch.setattr(application, "launch", the_user_trains_twice)
    monkeypatch.setattr(entry, "window_problem", lambda: None)
    code = entry.open_app({"workspace": str(tmp_path / "ws"), "after_work": True})
    out = capsys.readouterr().out
    assert code == 0
    assert "The workspace now (after the app closed):" in out and "runs: 2\n" in out
