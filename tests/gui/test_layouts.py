"""Every panel at 1280x800 and at the app's default size, under its style sheet, on a workspace
with a run: no label, button, combo box, group title or plot text cut off, no form scrolled
sideways, and no panel that widens the window by itself."""

from __future__ import annotations

import pytest

from app.panels import PANEL_NAMES

from .layout_check import cut_texts


@pytest.mark.slow  # opens every panel twice on the demo workspace
@pytest.mark.parametrize("size", [(1280, 800), (1400, 900)])
def test_every_panel_fits_the_window(main_window, demo_ws, qapp, qtbot, size):
    from app.application import create_application

    create_application()
    try:
        assert main_window.open_workspace(demo_ws)
        main_window.resize(*size)
        problems = {}
        for name in ["welcome", *PANEL_NAMES]:
            main_window.show_panel(name)
            qtbot.wait(50)  # layouts and first paints
            grown = main_window.width() > size[0] or main_window.height() > size[1] + 10
            found = cut_texts(main_window) + (["the window grew"] if grown else [])
            if found:
                problems[name] = found
        assert problems == {}
    finally:
        qapp.setStyleSheet("")
