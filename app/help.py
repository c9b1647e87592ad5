"""Help: the user guide, the keyboard shortcuts, and what this program is."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

# Viewer keys are handled by the canvas (app/viewer/canvas.py); window and Train-panel keys are
# QActions/QShortcuts whose sequences tests compare with this table.
SHORTCUTS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Window", [
        ("Ctrl+1 … Ctrl+8", "Welcome, Data, Browse, Train, Evaluate, Experiment, Review, Export"),
        ("Ctrl+O / Ctrl+N", "Open / create a workspace"),
        ("Ctrl+D", "Open the demo"),
        ("Ctrl+L", "Show or hide the log"),
        ("F1", "This list"),
        ("Ctrl+Q", "Quit (asks first while work runs)"),
    ]),
    ("Mammogram viewer", [
        ("Left-drag", "Window (horizontal) and level (vertical)"),
        ("Middle-drag / wheel or right-drag", "Pan / zoom"),
        ("F or 0, R", "Fit to the window, reset"),
        ("1 … 4", "Window presets: from the file, full range, dense, fatty"),
        ("I", "Invert"),
    ]),
    ("Train panel", [
        ("Ctrl+Return", "Start training"),
        ("Space", "Pause / resume (while training)"),
        ("Ctrl+.", "Stop (a checkpoint is saved)"),
        ("Ctrl+S", "Checkpoint now"),
        ("Ctrl+R", "Resume the selected run"),
        ("Ctrl+I", "Latent explorer: generate the images from A to B"),
    ]),
    ("Experiment panel", [
        ("Ctrl+Return", "Run the study"),
        ("Ctrl+.", "Cancel (finished cells are kept)"),
        ("Ctrl+R", "Resume the selected stopped study"),
    ]),
    ("Review reading", [
        ("R / S, then 1 … 5", "Real / synthetic, then the confidence (saves the answer)"),
        ("← / →", "The previous / next image"),
        ("Ctrl+Z or Backspace", "Undo the last answer"),
        ("P or Space", "Pause (hides the image, stops the reading time)"),
        ("F11 / Esc", "Full screen / leave it"),
        ("+ / −", "Zoom"),
    ]),
]  # fmt: skip


def shortcuts_html() -> str:
    parts = []
    for title, rows in SHORTCUTS:
        cells = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in rows)
        parts.append(f"<h4>{title}</h4><table>{cells}</table>")
    return "".join(parts)


def guide_page() -> Path | None:
    """The user guide's first page where this install keeps it (the package `mammogan_docs`:
    docs/ in a source tree, package data in a wheel, a folder in the bundle)."""
    try:
        page = resources.files("mammogan_docs").joinpath("index.md")
    except ModuleNotFoundError:
        return None
    return Path(str(page)) if page.is_file() else None


def open_user_guide(parent: QWidget | None) -> bool:
    """Open the guide from this computer's files (no network) in the Markdown viewer or editor
    the desktop has; say where it is when nothing opens it."""
    page = guide_page()
    if page is None:
        QMessageBox.warning(
            parent,
            "User guide",
            "The user guide is not installed with this copy of MammoGAN. It is the docs/ "
            "folder of the source repository.",
        )
        return False
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(page))):
        return True
    QMessageBox.information(
        parent,
        "User guide",
        f"No program here opens Markdown files. The guide is in\n{page.parent}\n"
        "(plain text: any text editor reads it).",
    )
    return False


def show_shortcuts(parent: QWidget | None) -> None:
    QMessageBox.information(parent, "Keyboard shortcuts", shortcuts_html())


def show_about(parent: QWidget | None) -> None:
    from mammogan_core import __version__

    QMessageBox.about(
        parent,
        "About MammoGAN",
        f"<h3>MammoGAN {__version__}</h3>"
        "<p>DCGAN synthesis of breast-lesion patches for data augmentation and visual Turing "
        "tests, after Alyafi, Martí and Díaz (SPIE Medical Imaging 2020).</p>"
        "<p>Research software: not for clinical diagnosis. Everything runs on this computer; "
        "nothing is sent anywhere.</p>",
    )
