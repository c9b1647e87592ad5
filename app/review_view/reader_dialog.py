"""Who is reading: name, role and years of experience, asked once per package and remembered
(QSettings, by set id), so that a reader who comes back resumes without typing it again."""

from __future__ import annotations

import html

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.review.package import ReviewPackage
from mammogan_core.review.reading import ReaderInfo

ROLES = ("Breast radiologist", "Radiologist", "Resident", "Radiographer", "Researcher", "Other")


def remembered_reader(set_id: str) -> ReaderInfo | None:
    s = QSettings()
    name = s.value(f"review/{set_id}/name", "")
    if not name:
        return None
    return ReaderInfo(str(name), str(s.value(f"review/{set_id}/role", "")), _years(s, set_id))


def remember_reader(set_id: str, reader: ReaderInfo) -> None:
    s = QSettings()
    s.setValue(f"review/{set_id}/name", reader.name)
    s.setValue(f"review/{set_id}/role", reader.role)
    s.setValue(f"review/{set_id}/years", reader.years)


def _years(s: QSettings, set_id: str) -> float | None:
    try:
        return float(s.value(f"review/{set_id}/years"))
    except (TypeError, ValueError):
        return None


class ReaderDialog(QDialog):
    def __init__(
        self,
        package: ReviewPackage,
        reader: ReaderInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(package.title or "Reader")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Your name or a study code")
        self.role_box = QComboBox()
        self.role_box.setEditable(True)
        self.role_box.addItems(ROLES)
        self.years_box = QSpinBox()
        self.years_box.setRange(0, 60)
        self.years_box.setSuffix(" years")
        if reader is not None:
            self.name_edit.setText(reader.name)
            self.role_box.setCurrentText(reader.role)
            self.years_box.setValue(round(reader.years or 0))
        intro = QLabel(
            f"<p>{html.escape(package.instructions)}</p><p>Your answers are saved under your "
            f"name; with the same name you resume where you stopped.</p>"
        )
        intro.setMaximumWidth(460)
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Name:", self.name_edit)
        form.addRow("Role:", self.role_box)
        form.addRow("Experience:", self.years_box)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start reading")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._update)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.buttons)
        self._update()

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.name_edit.text().strip()))

    def reader(self) -> ReaderInfo:
        return ReaderInfo(
            self.name_edit.text().strip(),
            self.role_box.currentText().strip(),
            self.years_box.value(),
        )


def ask_reader(parent: QWidget | None, package: ReviewPackage) -> ReaderInfo | None:
    """The reader's details (filled in with the last reader of this set here), or None."""
    dialog = ReaderDialog(package, remembered_reader(package.set_id), parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    reader = dialog.reader()
    remember_reader(package.set_id, reader)
    return reader
