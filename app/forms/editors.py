"""One editor per kind of setting (mammogan_core.settings): a widget with get()/set().

`get()` returns the value or raises ValueError with a reason for the user. `None` is shown as
the setting's word for it (`all`, `default`), as the CLI spells it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QWidget,
)

from mammogan_core import settings as st
from mammogan_core.errors import InputError

_INT_MAX = 2**31 - 1


class Editor:
    def __init__(self, widget: QWidget, get: Callable[[], Any], set_: Callable[[Any], None]):
        self.widget, self.get, self.set = widget, get, set_


def set_combo(box: QComboBox, text: str) -> None:
    """Select `text`, adding it if the list lacks it (e.g. 'cuda:1' from a stored run)."""
    if box.findText(text) < 0:
        box.addItem(text)
    box.setCurrentText(text)


def _text(sf: st.SettingField, changed: Callable[[], None]) -> Editor:
    """Free text read by the same parser as the CLI flag (lists, scientific notation, ...)."""
    edit = QLineEdit()
    edit.textChanged.connect(changed)

    def get() -> Any:
        try:
            return st.parse(sf, edit.text())
        except InputError as exc:
            raise ValueError(exc.reason.removeprefix(f"{sf.describe()}: ")) from None

    return Editor(edit, get, lambda v: edit.setText(st.format_value(sf, v)))


class PathEdit(QWidget):
    """A path typed or chosen with Browse… (a folder or a file, as the setting says)."""

    def __init__(self, sf: st.SettingField, changed: Callable[[], None]) -> None:
        super().__init__()
        self.sf = sf
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(sf.spec.help)
        self.edit.textChanged.connect(changed)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self.browse)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.edit, 1)
        lay.addWidget(self.browse_button)

    def browse(self) -> None:
        title, start = self.sf.spec.label, self.edit.text().strip()
        if self.sf.spec.path == "dir":
            path = QFileDialog.getExistingDirectory(self, title, start)
        else:
            path, _filter = QFileDialog.getOpenFileName(self, title, start)
        if path:
            self.edit.setText(path)

    def get(self) -> str | None:
        text = self.edit.text().strip()
        return None if self.sf.optional and not text else text

    def set(self, value: str | None) -> None:
        self.edit.setText(value or "")


def _int(sf: st.SettingField, changed: Callable[[], None]) -> Editor:
    box = QSpinBox()
    lo = int(sf.spec.lo if sf.spec.lo is not None else 0)
    hi = int(min(sf.spec.hi if sf.spec.hi is not None else _INT_MAX, _INT_MAX))
    if sf.optional:  # one step below the range reads as the setting's word for None
        lo -= 1
        box.setSpecialValueText(sf.spec.none)
    box.setRange(lo, hi)
    box.setAccelerated(True)
    if sf.spec.unit:
        box.setSuffix(f" {sf.spec.unit}")
    box.valueChanged.connect(changed)
    none = lo if sf.optional else None
    get = lambda: None if box.value() == none else box.value()  # noqa: E731
    return Editor(box, get, lambda v: box.setValue(lo if v is None else int(v)))


def _double(sf: st.SettingField, changed: Callable[[], None]) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(sf.spec.decimals)
    box.setRange(
        sf.spec.lo if sf.spec.lo is not None else -1e12,
        sf.spec.hi if sf.spec.hi is not None else 1e12,
    )
    box.setSingleStep(10 ** -min(sf.spec.decimals, 2))
    if sf.spec.unit:
        box.setSuffix(f" {sf.spec.unit}")
    box.valueChanged.connect(changed)
    return box


def _float(sf: st.SettingField, changed: Callable[[], None]) -> Editor:
    box = _double(sf, changed)
    return Editor(box, box.value, lambda v: box.setValue(float(v)))


def _pair(sf: st.SettingField, changed: Callable[[], None]) -> Editor:
    a, b = _double(sf, changed), _double(sf, changed)
    row = QWidget()
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(a)
    lay.addWidget(b)

    def set_(v: Any) -> None:
        a.setValue(float(v[0]))
        b.setValue(float(v[1]))

    return Editor(row, lambda: (a.value(), b.value()), set_)


def _combo(sf: st.SettingField, changed: Callable[[], None]) -> Editor:
    box = QComboBox()
    if sf.optional:
        box.addItem(sf.spec.none)
    box.addItems(sf.spec.choices)
    box.setEditable(sf.spec.free_text)
    box.currentTextChanged.connect(changed)

    def get() -> Any:
        text = box.currentText().strip()
        return None if sf.optional and text == sf.spec.none else text

    return Editor(box, get, lambda v: set_combo(box, sf.spec.none if v is None else str(v)))


class CheckList(QListWidget):
    """Checkable names. All ticked means None (no filter) when the setting allows it."""

    def __init__(self, sf: st.SettingField, changed: Callable[[], None]) -> None:
        super().__init__()
        self.sf = sf
        self._changed = changed
        self.itemChanged.connect(self._ticked)
        self._wanted: tuple[str, ...] | None = None
        self.set_names(list(sf.spec.choices))

    def _ticked(self, _item: QListWidgetItem) -> None:
        """A person's ticks are what a new list of names keeps (not the last value set)."""
        ticked = tuple(i.text() for i in self.items() if i.checkState() == Qt.CheckState.Checked)
        self._wanted = None if len(ticked) == self.count() else ticked
        self._changed()

    def set_names(self, names: list[str]) -> None:
        """The names offered (e.g. the lesion types the workspace has); ticks are kept."""
        wanted = self._wanted
        self.blockSignals(True)
        self.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = wanted is None or name in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.blockSignals(False)
        row = self.sizeHintForRow(0) if names else self.fontMetrics().height() + 4
        rows = min(max(len(names), 1), 4)  # no empty space under two or three names
        self.setFixedHeight(rows * row + 2 * self.frameWidth() + 2)

    def items(self) -> list[QListWidgetItem]:
        return [self.item(i) for i in range(self.count())]

    def get(self) -> tuple[str, ...] | None:
        ticked = tuple(i.text() for i in self.items() if i.checkState() == Qt.CheckState.Checked)
        if not self.count():  # nothing offered (no workspace yet): keep what was set
            return self._wanted
        if len(ticked) == self.count() and self.sf.optional:
            return None
        if not ticked:
            raise ValueError("tick at least one")
        return ticked

    def set(self, value: tuple[str, ...] | None) -> None:
        self._wanted = None if value is None else tuple(value)
        self.set_names([i.text() for i in self.items()])


def make_editor(sf: st.SettingField, changed: Callable[[], None]) -> Editor:
    if sf.spec.path:
        path = PathEdit(sf, changed)
        return Editor(path, path.get, path.set)
    if sf.kind == "bool":
        box = QCheckBox()
        box.toggled.connect(changed)
        return Editor(box, box.isChecked, lambda v: box.setChecked(bool(v)))
    if sf.kind == "int":
        return _int(sf, changed)
    if sf.kind == "float" and not (sf.spec.scientific or sf.optional):
        return _float(sf, changed)
    if sf.kind == "floats" and sf.length == 2:
        return _pair(sf, changed)
    if sf.kind == "str" and sf.spec.choices:
        return _combo(sf, changed)
    if sf.kind == "strs" and sf.spec.choices:
        checks = CheckList(sf, changed)
        return Editor(checks, checks.get, checks.set)
    return _text(sf, changed)
