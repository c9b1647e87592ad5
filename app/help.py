"""Help: the user guide, the keyboard shortcuts, and what this program is."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

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
    ("Browse → Patches", [
        ("Arrow keys, Page Up / Down", "Move through the grid"),
        ("Return or double-click", "Open the patch in its mammogram, zoomed on it"),
        ("+ / −", "Larger / smaller thumbnails"),
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
    ("Export panel", [
        ("Ctrl+E", "Export"),
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


class GuideDialog(QDialog):
    """The user guide read inside the app: its Markdown chapters rendered by Qt, links between
    chapters followed in place, pictures shown, nothing fetched from the network."""

    def __init__(self, page: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("MammoGAN user guide")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.browser = _GuideBrowser()
        self.browser.setOpenExternalLinks(True)  # a web link goes to the desktop's browser
        self.browser.setSource(QUrl.fromLocalFile(str(page)))
        self.back_button = _history_button(
            "Back", self.browser.backward, self.browser.backwardAvailable
        )
        self.forward_button = _history_button(
            "Forward", self.browser.forward, self.browser.forwardAvailable
        )
        contents = QPushButton("Contents")
        contents.clicked.connect(self.browser.home)
        bar = QHBoxLayout()
        for button in (self.back_button, self.forward_button, contents):
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.browser, 1)
        self.resize(900, 700)


def _history_button(label: str, slot, available) -> QPushButton:
    button = QPushButton(label)
    button.setEnabled(False)
    button.clicked.connect(slot)
    available.connect(button.setEnabled)
    return button


class _GuideBrowser(QTextBrowser):
    IMAGE_WIDTH = 820  # the screenshots are window-sized: shown at the guide's width

    def loadResource(self, kind: int, name: QUrl) -> object:
        data = super().loadResource(kind, name)
        if kind != QTextDocument.ResourceType.ImageResource.value:
            return data
        image = data if isinstance(data, QImage) else QImage.fromData(data or b"")
        if image.isNull():
            # The chapters show the screenshots as ../resources/readme/X.png (right on GitHub and
            # in a source tree); an installed copy keeps them in the package mammogan_resources.
            shipped = _shipped_screenshot(name.fileName())
            if shipped is None:
                return data
            image = QImage(str(shipped))
        if image.width() > self.IMAGE_WIDTH:
            image = image.scaledToWidth(
                self.IMAGE_WIDTH, Qt.TransformationMode.SmoothTransformation
            )
        return image


def _shipped_screenshot(name: str) -> Path | None:
    try:
        path = Path(str(resources.files("mammogan_resources").joinpath("readme", name)))
    except ModuleNotFoundError:
        return None
    return path if path.is_file() else None


def open_user_guide(parent: QWidget | None) -> QDialog | None:
    """The guide from this computer's files, in the app's own viewer (no launcher needed)."""
    page = guide_page()
    if page is None:
        QMessageBox.warning(
            parent,
            "User guide",
            "The user guide is not installed with this copy of MammoGAN. It is the docs/ "
            "folder of the source repository.",
        )
        return None
    dialog = GuideDialog(page, parent)
    dialog.show()
    return dialog


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
