"""Files the app shows itself: a picture in a dialog, a folder's path where no file manager opens
it. Many Linux desktops (and every remote session) have no launcher for a PNG or a folder, and
QDesktopServices then only prints a line on stderr, so "Open plot" must never depend on one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}


class ImageDialog(QDialog):
    """A saved figure at its own size (scrollable where larger than the screen), with Save as
    and Copy, so a plot can go into a slide or a paper without a file manager."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle(self.path.name)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.pixmap = QPixmap(str(self.path))
        self.picture = QLabel()
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if self.pixmap.isNull():
            self.picture.setText(f"{self.path} could not be read as an image.")
        else:
            self.picture.setPixmap(self.pixmap)
        scroll = QScrollArea()
        scroll.setWidget(self.picture)
        scroll.setWidgetResizable(True)
        self.save_button = QPushButton("Save as…")
        self.copy_button = QPushButton("Copy")
        self.save_button.setEnabled(not self.pixmap.isNull())
        self.copy_button.setEnabled(not self.pixmap.isNull())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        self.save_button.clicked.connect(self.save_as)
        self.copy_button.clicked.connect(self.copy)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(str(self.path)))
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        screen = QGuiApplication.primaryScreen().availableGeometry()
        size = self.pixmap.size() if not self.pixmap.isNull() else self.picture.sizeHint()
        self.resize(
            min(size.width() + 60, screen.width() - 80),
            min(size.height() + 120, screen.height() - 80),
        )

    def save_as(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self, "Save the figure as", str(Path.home() / self.path.name), "PNG image (*.png)"
        )
        if target:
            self.pixmap.save(target)

    def copy(self) -> None:
        QGuiApplication.clipboard().setPixmap(self.pixmap)


class PathDialog(QDialog):
    """Where a folder or file is, with a Copy button, for desktops with no program to open it."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Where it is")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        kind = "folder" if Path(path).is_dir() else "file"
        self.path_field = QLineEdit(str(path))
        self.path_field.setReadOnly(True)
        self.path_field.setMinimumWidth(
            min(900, self.fontMetrics().horizontalAdvance(str(path)) + 40)
        )
        self.copy_button = QPushButton("Copy")
        self.copy_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.path_field.text())
        )
        row = QHBoxLayout()
        row.addWidget(self.path_field, 1)
        row.addWidget(self.copy_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"No program on this desktop opens the {kind}. It is here:"))
        layout.addLayout(row)
        layout.addWidget(buttons)


def open_path(parent: QWidget | None, path: str | Path) -> QDialog | None:
    """Show a picture in the app; hand any other file or a folder to the desktop, and show its
    path when nothing opens it. Returns the dialog shown, if any (non-modal: work goes on)."""
    path = Path(path)
    if path.suffix.lower() in IMAGE_SUFFIXES:
        dialog: QDialog = ImageDialog(path, parent)
    elif QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return None
    else:
        dialog = PathDialog(path, parent)
    dialog.show()
    return dialog
