"""The hyperparameter form: one editor per TrainConfig field, a preset combo that fills it, and
validation by TrainConfig itself (invalid fields are highlighted, with the reason as tooltip)."""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.errors import InputError
from mammogan_core.training import PRESETS, TrainConfig

from .editors import ALL, CheckList, Editor, make_editor, set_combo
from .fields import FIELDS, GROUPS, PRESET_NOTES, spec_for

# (label, lesion_type, split, count) rows of the workspace's patches
PatchCounts = list[tuple[str, str | None, str | None, int]]

INVALID_COLOUR = "#f6c6c0"


class HyperparameterForm(QWidget):
    changed = Signal()  # after every edit, once validated

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editors: dict[str, Editor] = {}
        self.labels: dict[str, str] = {"preset": "Preset"}  # field -> its row's label
        self.row_label: dict[str, QLabel] = {}
        self.problems: dict[str, str] = {}
        self._config: TrainConfig | None = None
        self._counts: PatchCounts | None = None
        self._loading = False

        self.preset_box = QComboBox()
        self.preset_box.addItems(list(PRESETS))
        self.preset_box.setToolTip("Fills every field with the preset's values (model + recipe)")
        self.preset_note = QLabel()
        self.preset_note.setWordWrap(True)
        self.preset_note.setObjectName("presetNote")
        self.selection_label = QLabel()
        self.selection_label.setObjectName("selectionCount")

        forms = {g: QFormLayout() for g in GROUPS}
        row: QHBoxLayout | None = None
        for name, hint in _ordered_fields():
            spec = spec_for(name)
            editor = make_editor(hint, spec, self._validate)
            editor.widget.setToolTip(spec.tip)
            self.editors[name] = editor
            if spec.joiner is not None and row is not None:
                if spec.joiner:
                    row.addWidget(QLabel(spec.joiner))
                row.addWidget(editor.widget, 1)
                row.setStretch(0, 2)  # the row's main value keeps the most room
                continue
            self.labels[name] = spec.label
            row = QHBoxLayout()
            row.addWidget(editor.widget, 1)
            label = QLabel(spec.label + ":")
            self.row_label[name] = label
            label.setToolTip(spec.tip)
            label.setBuddy(editor.widget)
            forms[spec.group].addRow(label, row)
        forms["Data"].addRow("", self.selection_label)
        width = max(lbl.sizeHint().width() for lbl in self.row_label.values())
        for lbl in self.row_label.values():  # one label column through every group
            lbl.setMinimumWidth(width)
        owner = ""
        for name in self.editors:  # a field sharing a row reports under the row's label
            owner = name if name in self.labels else owner
            self.labels.setdefault(name, self.labels[owner])
            self.row_label.setdefault(name, self.row_label[owner])

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        top = QFormLayout()
        top.addRow("Preset:", self.preset_box)
        top.addRow(self.preset_note)
        lay.addLayout(top)
        for group, form in forms.items():
            if form.rowCount():
                box = QGroupBox(group)
                box.setLayout(form)
                lay.addWidget(box)
        lay.addStretch(1)
        self.preset_box.currentTextChanged.connect(self.apply_preset)
        self.editors["label"].widget.currentTextChanged.connect(self._label_changed)
        self.apply_preset(self.preset_box.currentText())

    # ---------------------------------------------------------------- values
    def config(self) -> TrainConfig | None:
        """The configuration in the form, or None while a field is invalid."""
        return self._config

    def problem_text(self) -> str:
        lines = dict.fromkeys(f"{self.labels[n]}: {msg}" for n, msg in self.problems.items())
        return "\n".join(lines)

    def apply_preset(self, name: str) -> None:
        self.set_config(PRESETS[name])

    def set_config(self, config: TrainConfig) -> None:
        self._loading = True
        try:
            self.preset_box.blockSignals(True)
            set_combo(self.preset_box, config.preset)
            self.preset_box.blockSignals(False)
            self.preset_note.setText(PRESET_NOTES.get(config.preset, ""))
            for name, editor in self.editors.items():
                editor.set(getattr(config, name))
        finally:
            self._loading = False
        self._refresh_choices()
        self._validate()

    def set_patch_counts(self, counts: PatchCounts | None) -> None:
        """The workspace's patches by class, type and split: choices and the selection count."""
        self._counts = counts
        self._refresh_choices()
        self._validate()

    # ---------------------------------------------------------------- checks
    def _refresh_choices(self) -> None:
        counts = self._counts or []
        label = self.editors["label"].widget.currentText()
        checks: CheckList = self.editors["lesion_types"].widget
        checks.set_names(sorted({t for lb, t, _s, _n in counts if lb == label and t}))
        split: QComboBox = self.editors["split"].widget
        current = split.currentText()
        split.blockSignals(True)
        split.clear()
        split.addItems([ALL, *sorted({s for _l, _t, s, _n in counts if s})])
        set_combo(split, current)
        split.blockSignals(False)

    def _label_changed(self) -> None:
        if not self._loading:
            self._refresh_choices()
            self._validate()

    def _validate(self, *_args: Any) -> None:
        if self._loading:
            return
        values: dict[str, Any] = {"preset": self.preset_box.currentText()}
        problems: dict[str, str] = {}
        for name, editor in self.editors.items():
            try:
                values[name] = editor.get()
            except ValueError as exc:
                problems[name] = str(exc)
        config = None
        if not problems:
            try:
                config = TrainConfig(**values)
            except InputError as exc:
                reason = exc.reason.removeprefix("invalid training configuration: ")
                named = [n for n in self.editors if re.search(rf"\b{n}\b", reason)]
                problems.update({n: reason for n in named or ["preset"]})
        if config is not None and self._counts is not None:
            problems.update(self._selection_problem(config))
        self._config = None if problems else config
        self.problems = problems
        for name, editor in self.editors.items():
            _mark(editor.widget, problems.get(name), spec_for(name).tip)
        bad = {id(self.row_label[n]) for n in problems}
        for label in self.row_label.values():
            label.setStyleSheet("color: #c0392b; font-weight: bold;" if id(label) in bad else "")
        self.changed.emit()

    def _selection_problem(self, config: TrainConfig) -> dict[str, str]:
        n = sum(
            count
            for label, kind, split, count in self._counts or []
            if label == config.label
            and (config.lesion_types is None or kind in config.lesion_types)
            and (config.split is None or split == config.split)
        )
        self.selection_label.setText(
            f"<b>{n:,}</b> {config.label} patches selected"
            if n
            else "<span style='color:#c0392b'>No patches match this selection</span>"
        )
        if n:
            return {}
        where = f"split {config.split!r}" if config.split else "the workspace"
        return {"split": f"no {config.label} patches of these types in {where}"}


def _ordered_fields() -> list[tuple[str, str]]:
    """(name, type hint) of TrainConfig's fields in FIELDS' display order, unknown ones last;
    'preset' has the combo at the top."""
    hints = {f.name: str(f.type) for f in fields(TrainConfig) if f.name != "preset"}
    order = list(FIELDS) + [n for n in hints if n not in FIELDS]
    return [(n, hints[n]) for n in order if n in hints]


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
