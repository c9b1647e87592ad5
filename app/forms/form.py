"""A form built from a settings dataclass (mammogan_core.settings): one editor per setting, a
group box per group, advanced settings behind a toggle, and validation by the dataclass itself
(the invalid field is tinted, with the reason as its tooltip). The CLI's flags come from the same
declarations, so the form and the CLI cannot drift apart."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mammogan_core import settings as st
from mammogan_core.errors import InputError

from .editors import Editor, make_editor

INVALID_COLOUR = "#f6c6c0"
ADVANCED = "Advanced"


class SettingsForm(QWidget):
    """`value()` is the dataclass instance in the form, or None while a field is invalid."""

    changed = Signal()  # after every edit, once validated

    def __init__(
        self,
        cls: type,
        *,
        exclude: tuple[str, ...] = (),
        groups: tuple[str, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        """`groups` orders the group boxes (others follow in declaration order)."""
        super().__init__(parent)
        self.cls = cls
        self.fields = {sf.name: sf for sf in st.fields_of(cls) if sf.name not in exclude}
        self.editors: dict[str, Editor] = {}
        self.row_label: dict[str, QLabel] = {}  # every field -> the label of its row
        self.problems: dict[str, str] = {}
        self.fixed: dict[str, Any] = {}  # values of the excluded fields, set by the owner
        self._value: Any = None
        self._loading = False

        forms: dict[str, QFormLayout] = {}
        row: QHBoxLayout | None = None
        owner: QLabel | None = None
        for name, sf in self.fields.items():
            editor = make_editor(sf, self._validate)
            editor.widget.setToolTip(_tip(sf))
            self.editors[name] = editor
            if sf.spec.joins is not None and row is not None and owner is not None:
                if sf.spec.joins:
                    row.addWidget(QLabel(sf.spec.joins))
                row.addWidget(editor.widget, 1)
                row.setStretch(0, 2)  # the row's main value keeps the most room
                self.row_label[name] = owner
                continue
            row = QHBoxLayout()
            row.addWidget(editor.widget, 1)
            owner = QLabel(sf.spec.label + ":")
            owner.setToolTip(_tip(sf))
            owner.setBuddy(editor.widget)
            self.row_label[name] = owner
            key = ADVANCED if sf.spec.advanced else sf.spec.group
            forms.setdefault(key, QFormLayout()).addRow(owner, row)
        self.group_forms = forms
        labels = set(self.row_label.values())
        width = max((lbl.sizeHint().width() for lbl in labels), default=0)
        for lbl in labels:  # one label column through every group
            lbl.setMinimumWidth(width)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        order = [g for g in groups if g in forms] + [g for g in forms if g not in groups]
        self.boxes: dict[str, QGroupBox] = {}
        for group in (g for g in order if g != ADVANCED):
            self.boxes[group] = box = QGroupBox(group)
            box.setLayout(forms[group])
            lay.addWidget(box)
        self.advanced_button: QToolButton | None = None
        if ADVANCED in forms:
            self.advanced_button = button = QToolButton()
            button.setText(f"{ADVANCED} settings")
            button.setCheckable(True)
            button.setToolButtonStyle(button.toolButtonStyle().ToolButtonTextBesideIcon)
            button.setArrowType(button.arrowType().RightArrow)
            self.boxes[ADVANCED] = box = QGroupBox()
            box.setLayout(forms[ADVANCED])
            box.setVisible(False)
            button.toggled.connect(self._show_advanced)
            lay.addWidget(button)
            lay.addWidget(box)
        lay.addStretch(1)

    # ---------------------------------------------------------------- values
    def value(self) -> Any:
        return self._value

    def set_value(self, obj: Any) -> None:
        self._loading = True
        try:
            for name, editor in self.editors.items():
                editor.set(getattr(obj, name))
            self.fixed = {n: getattr(obj, n) for n in self._excluded()}
        finally:
            self._loading = False
        self._validate()

    def problem_text(self) -> str:
        lines = dict.fromkeys(f"{self.fields[n].spec.label}: {m}" for n, m in self.problems.items())
        return "\n".join(lines)

    def extra_problems(self, value: Any) -> dict[str, str]:
        """Checks beyond the dataclass's (e.g. against the workspace); for subclasses."""
        return {}

    # ---------------------------------------------------------------- checks
    def _excluded(self) -> list[str]:
        return [sf.name for sf in st.fields_of(self.cls) if sf.name not in self.fields]

    def _validate(self, *_args: Any) -> None:
        if self._loading:
            return
        values: dict[str, Any] = dict(self.fixed)
        problems: dict[str, str] = {}
        for name, editor in self.editors.items():
            try:
                values[name] = editor.get()
            except ValueError as exc:
                problems[name] = str(exc)
        value = None
        if not problems:
            try:
                value = self.cls(**values)
            except InputError as exc:
                problems.update(self._blame(exc.reason))
        if value is not None:
            problems.update(self.extra_problems(value))
        self._value = None if problems else value
        self.problems = problems
        for name, editor in self.editors.items():
            _mark(editor.widget, problems.get(name), _tip(self.fields[name]))
        bad = {id(self.row_label[n]) for n in problems if n in self.row_label}
        for label in set(self.row_label.values()):
            label.setStyleSheet("color: #c0392b; font-weight: bold;" if id(label) in bad else "")
        if any(self.fields[n].spec.advanced for n in problems if n in self.fields):
            self.show_advanced(True)  # never hide the reason a form cannot be used
        self.changed.emit()

    def _blame(self, reason: str) -> dict[str, str]:
        """The fields an error message names (by flag, as `settings.check` and the dataclasses'
        own checks name them); the first field when it names none, so that it is still shown."""
        named = [n for n, sf in self.fields.items() if re.search(rf"{sf.flag}\b(?!-)", reason)]
        for name in named:
            prefix = f"{self.fields[name].describe()}: "
            reason = reason.removeprefix(prefix)
        return {n: reason for n in named or list(self.fields)[:1]}

    def show_advanced(self, on: bool) -> None:
        if self.advanced_button is not None:
            self.advanced_button.setChecked(on)

    def _show_advanced(self, on: bool) -> None:
        assert self.advanced_button is not None
        arrow = self.advanced_button.arrowType()
        self.advanced_button.setArrowType(arrow.DownArrow if on else arrow.RightArrow)
        self.boxes[ADVANCED].setVisible(on)


def _tip(sf: st.SettingField) -> str:
    unit = f" [{sf.spec.unit}]" if sf.spec.unit else ""
    return f"{sf.spec.help or sf.spec.label}{unit}\nCLI: {sf.flag}"


def _mark(widget: QWidget, problem: str | None, tip: str) -> None:
    """Tint an invalid field through its palette (a style sheet would drop the native frame
    and spin arrows); an empty QPalette inherits the normal colours again."""
    widget.setToolTip(f"{tip}\n⚠ {problem}" if problem else tip)
    if bool(widget.property("invalid")) != bool(problem):
        widget.setProperty("invalid", bool(problem))
        palette = QPalette()
        if problem:
            palette = widget.palette()
            palette.setColor(QPalette.ColorRole.Base, QColor(INVALID_COLOUR))
        widget.setPalette(palette)
