"""Render the README's screenshots from a workspace (normally the demo's).

    python packaging/readme_screenshots.py ~/MammoGAN/demo resources/readme

Opens the real main window offscreen, shows each panel (and the patch browser tab), waits for
images to load, and saves PNGs of the whole window. The Evaluate, Experiment and Review panels
show what the workspace holds: run `mammogan evaluate --tsne`, a small `mammogan experiment` and
`mammogan review create` on it first for screenshots with content.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer

from app.application import create_application
from app.main_window import MainWindow


def settle(ms: int = 1500) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(workspace: str, out: str) -> None:
    create_application()
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    window = MainWindow()
    window.resize(1400, 860)
    window.show()
    if not window.open_workspace(workspace):
        sys.exit(f"cannot open {workspace}")
    for name in ("data", "browse", "train", "evaluate", "experiment", "review", "export"):
        window.show_panel(name)
        settle()
        window.grab().save(str(folder / f"panel_{name}.png"))
    browse = window.show_panel("browse")
    browse.tabs.setCurrentWidget(browse.browser)
    browser = browse.browser
    browser.label_box.setCurrentIndex(browser.label_box.findData("lesion"))
    browser.grid.setCurrentIndex(browser.model.index(2, 0))
    settle()
    window.grab().save(str(folder / "panel_browse_patches.png"))
    window.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
