"""Welcome page -> "Open the demo": builds the demo workspace in a worker, then opens it."""

from __future__ import annotations

import functools
import os

import mammogan_core.demo as demo


def test_open_the_demo_builds_then_opens_it(main_window, qtbot, monkeypatch):
    small = functools.partial(demo.demo_steps, n_images=3, train_epochs=1)
    monkeypatch.setattr(demo, "demo_steps", small)
    main_window.show_panel("welcome")
    main_window.welcome.demo_button.click()
    assert main_window.indicator.label.text().startswith("Demo")
    qtbot.waitUntil(lambda: main_window.ctx.workspace is not None, timeout=180_000)
    ws = main_window.ctx.workspace
    assert str(ws.root) == os.path.realpath(os.environ["MAMMOGAN_DEMO_DIR"])
    assert ws.counts()["images"] == 3 and ws.counts()["runs"] == 1
    assert "demo" in main_window.windowTitle()
    # a second click opens the finished demo at once, without rebuilding it
    main_window.ctx.set_workspace(None)
    main_window.welcome.demo_button.click()
    assert main_window.ctx.workspace is not None
    assert main_window.ctx.tasks.running == []
