"""The Train panel's form: TrainConfig's settings form (app/forms, from the core's declarations)
under a preset combo that fills it, with the lesion types and splits the workspace has, and the
number of patches the settings select (none is a problem that blocks Start)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from mammogan_core import settings as st
from mammogan_core.preprocess.split import SPLITS
from mammogan_core.training import PRESETS, TrainConfig
from mammogan_core.training.config import PRESET_NOTES
from mammogan_core.training.machine import TEST_PRESETS, machine_preset

from ..forms import CheckList, SettingsForm, set_combo
from ..forms.editors import make_editor

# (label, lesion_type, split, pathology, count) rows of the workspace's patches
PatchCounts = list[tuple[str, str | None, str | None, str | None, int]]


class HyperparameterForm(SettingsForm):
    _counts: PatchCounts | None = None  # None: no workspace, every declared choice is offered

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(TrainConfig, exclude=("preset",), parent=parent)
        (preset,) = [sf for sf in st.fields_of(TrainConfig) if sf.name == "preset"]
        self.preset_box: QComboBox = make_editor(preset, lambda *_: None).widget
        for name in TEST_PRESETS:  # a config that names one still shows it (set_combo adds it)
            self.preset_box.removeItem(self.preset_box.findText(name))
        self.preset_box.setToolTip(f"Fills every setting with the preset's\nCLI: {preset.flag}")
        self.preset_note = QLabel()
        self.preset_note.setWordWrap(True)
        self.preset_note.setObjectName("presetNote")
        self.selection_label = QLabel()
        self.selection_label.setObjectName("selectionCount")
        self.group_forms["Data"].addRow("", self.selection_label)
        top = QFormLayout()
        top.addRow(f"{preset.spec.label}:", self.preset_box)
        top.addRow(self.preset_note)
        self.layout().insertLayout(0, top)
        self.preset_box.currentTextChanged.connect(self.apply_preset)
        self.editors["label"].widget.currentTextChanged.connect(self._label_changed)
        self.apply_preset(machine_preset())  # cpu without a GPU: the paper's takes hours there

    def apply_preset(self, name: str) -> None:
        self.set_value(PRESETS[name])

    def set_value(self, config: TrainConfig) -> None:
        self.preset_box.blockSignals(True)
        set_combo(self.preset_box, config.preset)
        self.preset_box.blockSignals(False)
        self.preset_note.setText(PRESET_NOTES[config.preset])
        super().set_value(config)
        self._label_changed()

    def set_patch_counts(self, counts: PatchCounts | None) -> None:
        """The workspace's patches by class, type, split and pathology (None: no workspace)."""
        self._counts = counts
        self._label_changed()

    # ---------------------------------------------------------------- the workspace's choices
    def _label_changed(self, *_args: object) -> None:
        if self._loading:
            return
        counts, label = self._counts, self.editors["label"].get()
        lesions = label == "lesion"
        for name in ("lesion_types", "pathology"):  # a finding's filters: lesion patches only
            editor = self.editors[name]
            if not lesions:
                editor.set(None)
            editor.widget.setEnabled(lesions)
        types: CheckList = self.editors["lesion_types"].widget
        splits: tuple[str, ...] = SPLITS
        if counts is None:
            types.set_names(list(types.sf.spec.choices))
        else:
            types.set_names(sorted({t for lb, t, _s, _p, _n in counts if lb == label and t}))
            splits = tuple(s for s in SPLITS if s in {row[2] for row in counts})
        split: QComboBox = self.editors["split"].widget
        current = split.currentText()
        split.blockSignals(True)
        split.clear()
        split.addItems([st.ALL, *splits])
        set_combo(split, current)
        split.blockSignals(False)
        self._validate()

    def extra_problems(self, value: TrainConfig) -> dict[str, str]:
        if self._counts is None:
            self.selection_label.clear()
            return {}
        n = sum(
            count
            for label, kind, split, pathology, count in self._counts
            if label == value.label
            and (value.lesion_types is None or kind in value.lesion_types)
            and (value.pathology is None or pathology in value.pathology)
            and (value.split is None or split == value.split)
        )
        self.selection_label.setText(
            f"<b>{n:,}</b> {value.label} patches selected"
            if n
            else "<span style='color:#c0392b'>No patches match this selection</span>"
        )
        if n:
            return {}
        where = f"split {value.split}" if value.split else "the workspace"
        return {"split": f"no {value.label} patches of these types in {where}"}
