"""One editor per TrainConfig field type: a widget with get()/set(), chosen from the type hint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QWidget,
)

from .fields import FieldSpec

ALL = "all"


class Editor:
    """`get()` returns the field's value or raises ValueError with a reason for the user."""

    def __init__(self, widget: QWidget, get: Callable[[], Any], set_: Callable[[Any], None]):
        self.widget, self.get, self.set = widget, get, set_


def set_combo(box: QComboBox, text: str) -> None:
    """Select `text`, adding it if the list lacks it (e.g. 'cuda:1' from a stored run)."""
    if box.findText(text) < 0:
        box.addItem(text)
    box.setCurrentText(text)


def _spin(spec: FieldSpec, changed: Callable[[], None], none_is_zero: bool) -> Editor:
    box = QSpinBox()
    box.setRange(int(spec.lo), int(min(spec.hi, 2**31 - 1)))
    box.setAccelerated(True)
    if none_is_zero:
        box.setSpecialValueText("preset")
    box.valueChanged.connect(changed)
    get = (lambda: box.value() or None) if none_is_zero else box.value
    return Editor(box, get, lambda v: box.setValue(int(v or 0)))


def _double(spec: FieldSpec, changed: Callable[[], None]) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(spec.decimals)
    box.setRange(spec.lo, spec.hi)
    box.setSingleStep(0.01)
    box.valueChanged.connect(changed)
    return box


def _sci(spec: FieldSpec, changed: Callable[[], None]) -> Editor:
    edit = QLineEdit()
    edit.textChanged.connect(changed)

    def get() -> float:
        try:
            value = float(edit.text())
        except ValueError:
            raise ValueError(f"{edit.text()!r} is not a number") from None
        if not spec.lo < value <= spec.hi:
            raise ValueError(f"must be above {spec.lo:g} and at most {spec.hi:g}")
        return value

    return Editor(edit, get, lambda v: edit.setText(f"{v:g}"))


def _combo(choices: tuple[str, ...], changed: Callable[[], None], editable: bool) -> Editor:
    box = QComboBox()
    box.addItems(choices)
    box.setEditable(editable)
    box.currentTextChanged.connect(changed)
    return Editor(box, lambda: box.currentText().strip(), lambda v: set_combo(box, str(v)))


def _optional_combo(changed: Callable[[], None]) -> Editor:
    """'all' stands for None (the split filter): choices come from the workspace."""
    box = QComboBox()
    box.addItems([ALL, "train"])
    box.currentTextChanged.connect(changed)
    get = lambda: None if box.currentText() == ALL else box.currentText()  # noqa: E731
    return Editor(box, get, lambda v: set_combo(box, ALL if v is None else str(v)))


def _pair(spec: FieldSpec, changed: Callable[[], None]) -> Editor:
    a, b = _double(spec, changed), _double(spec, changed)
    row = QWidget()
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(a)
    lay.addWidget(b)

    def set_(v: Any) -> None:
        a.setValue(float(v[0]))
        b.setValue(float(v[1]))

    return Editor(row, lambda: (a.value(), b.value()), set_)


class CheckList(QListWidget):
    """Checkable names; all ticked (or none known) means None, i.e. no filter."""

    def __init__(self, changed: Callable[[], None]) -> None:
        super().__init__()
        self.itemChanged.connect(lambda _item: changed())
        self._wanted: tuple[str, ...] | None = None

    def set_names(self, names: list[str]) -> None:
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
        rows = min(max(len(names), 1), 4)  # no empty space under two or three types
        self.setFixedHeight(rows * row + 2 * self.frameWidth() + 2)

    def items(self) -> list[QListWidgetItem]:
        return [self.item(i) for i in range(self.count())]

    def get(self) -> tuple[str, ...] | None:
        ticked = tuple(i.text() for i in self.items() if i.checkState() == Qt.CheckState.Checked)
        if not self.count() or len(ticked) == self.count():
            return self._wanted if not self.count() else None
        if not ticked:
            raise ValueError("tick at least one lesion type")
        return ticked

    def set(self, value: tuple[str, ...] | None) -> None:
        self._wanted = None if value is None else tuple(value)
        self.set_names([i.text() for i in self.items()])


def make_editor(type_hint: str, spec: FieldSpec, changed: Callable[[], None]) -> Editor:
    hint = type_hint.replace(" ", "")
    if hint == "bool":
        box = QCheckBox()
        box.toggled.connect(changed)
        return Editor(box, box.isChecked, lambda v: box.setChecked(bool(v)))
    if hint in ("int", "int|None"):
        return _spin(spec, changed, none_is_zero=hint != "int")
    if hint == "float":
        if spec.sci:
            return _sci(spec, changed)
        box = _double(spec, changed)
        return Editor(box, box.value, lambda v: box.setValue(float(v)))
    if hint == "tuple[float,float]":
        return _pair(spec, changed)
    if hint == "str|None":
        return _optional_combo(changed)
    if hint == "tuple[str,...]|None":
        checks = CheckList(changed)
        if spec.choices:  # a fixed list; otherwise the form fills it from the workspace
            checks.set_names(list(spec.choices))
        return Editor(checks, checks.get, checks.set)
    # str: a fixed choice, or free text (with suggestions)
    return _combo(spec.choices, changed, editable=spec.editable or not spec.choices)
