"""The wheel scrolls a form; it changes a field only after the user has clicked into it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from app.application import create_application


def _wheel(widget, notches: int) -> bool:
    """One wheel turn over the middle of the widget, as a mouse sends it (120 per notch)."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def test_scrolling_the_data_form_changes_no_value_and_scrolls_it(main_window, qtbot):
    create_application()  # the app's own set-up, as `mammogan gui` makes it
    main_window.resize(1280, 800)
    main_window.show_panel("data")
    panel = main_window.panel("data")
    qtbot.waitExposed(panel)
    normals = panel.params_form.editors["normal_per_image"].widget
    preset = panel.run_form.editors["preset"].widget
    assert normals.focusPolicy() == Qt.FocusPolicy.StrongFocus  # a wheel gives no focus
    bar = panel.forms_scroll.verticalScrollBar()
    assert bar.maximum() > 0, "the form fits: nothing to scroll at 1280x800"
    before = (normals.value(), preset.currentText())

    bar.setValue(bar.maximum())
    for widget in (normals, preset):
        for _ in range(3):
            # refused, and left unaccepted: Qt passes a real wheel on to the scroll area
            assert not _wheel(widget, notches=1)
    assert (normals.value(), preset.currentText()) == before
    _wheel(panel.forms_scroll.viewport(), notches=1)
    assert bar.value() < bar.maximum()

    # clicked into, the field takes the wheel as Qt's fields do
    normals.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(normals.hasFocus)
    _wheel(normals, notches=1)
    assert normals.value() == before[0] + normals.singleStep()
