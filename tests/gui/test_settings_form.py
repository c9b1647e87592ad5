"""The form built from a settings dataclass: editors by kind, groups, the advanced section and
validation by the dataclass, driven by typing into the widgets."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt

from mammogan_core import settings as st

pytestmark = pytest.mark.gui


@dataclass(frozen=True)
class Toy:
    lr: float = st.setting(
        2e-4, label="Learning rate", lo=0, hi=1, lo_open=True, scientific=True, group="Optimiser"
    )
    epochs: int = st.setting(10, label="Epochs", lo=1, group="Schedule")
    shape: str = st.setting("square", label="Shape", choices=("square", "stretch"))
    types: tuple[str, ...] | None = st.setting(
        None, label="Types", choices=("mass", "calcification"), none=st.ALL
    )
    width: int | None = st.setting(None, label="Width", lo=1, none=st.DEFAULT, advanced=True)
    low: float = st.setting(0.7, label="Range", lo=0, hi=1, group="Optimiser")
    high: float = st.setting(1.0, label="", lo=0, hi=1, joins="to", group="Optimiser")

    def __post_init__(self) -> None:
        st.check(self)
        if self.low > self.high:
            from mammogan_core.errors import InputError

            raise InputError(f"{st.fields_of(Toy)[5].describe()}: the low end is above the high")


@pytest.fixture
def form(qtbot):
    from app.forms import SettingsForm

    f = SettingsForm(Toy, groups=("Schedule", "Optimiser"))
    qtbot.addWidget(f)
    f.set_value(Toy())
    f.show()
    return f


def test_groups_in_order_and_advanced_hidden_until_asked(form, qtbot):
    assert list(form.boxes) == ["Schedule", "Optimiser", "Other", "Advanced"]
    assert not form.boxes["Advanced"].isVisible()
    qtbot.mouseClick(form.advanced_button, Qt.MouseButton.LeftButton)
    assert form.boxes["Advanced"].isVisible()
    assert form.editors["width"].widget.text() == "default"  # None spelt as the CLI spells it


def test_the_form_gives_the_dataclass_and_reads_every_kind(form, qtbot):
    assert form.value() == Toy()
    lr = form.editors["lr"].widget
    lr.selectAll()
    qtbot.keyClicks(lr, "1e-3")
    form.editors["shape"].widget.setCurrentText("stretch")
    form.editors["types"].widget.item(1).setCheckState(Qt.CheckState.Unchecked)
    form.editors["width"].widget.setValue(16)
    assert form.value() == Toy(lr=1e-3, shape="stretch", types=("mass",), width=16)


def test_invalid_values_are_named_on_their_row_and_block_the_value(form, qtbot):
    lr = form.editors["lr"].widget
    lr.selectAll()
    qtbot.keyClicks(lr, "fast")
    assert form.value() is None
    assert "cannot read 'fast' as a number" in form.problems["lr"]
    assert "fast" in lr.toolTip() and lr.property("invalid")
    assert "color: #c0392b" in form.row_label["lr"].styleSheet()
    lr.selectAll()
    qtbot.keyClicks(lr, "0.001")
    assert form.value() is not None and not lr.property("invalid")

    form.editors["low"].widget.setValue(0.9)
    form.editors["high"].widget.setValue(0.8)  # the dataclass's own cross-field check
    assert form.value() is None
    assert form.problems == {"low": "the low end is above the high"}
    assert form.row_label["high"] is form.row_label["low"]  # one row: "Range: [..] to [..]"
    assert "Range: the low end is above the high" in form.problem_text()


def test_a_problem_in_an_advanced_setting_opens_the_section(form):
    from app.forms.form import SettingsForm

    class Strict(SettingsForm):
        def extra_problems(self, value):
            return {"width": "too wide for this workspace"} if value.width == 99 else {}

    strict = Strict(Toy)
    strict.set_value(Toy())
    assert not strict.advanced_button.isChecked()
    strict.editors["width"].widget.setValue(99)
    assert strict.value() is None and strict.advanced_button.isChecked()
