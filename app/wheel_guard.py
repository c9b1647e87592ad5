"""The mouse wheel scrolls forms; it changes a spin box or a combo box only once the user has
clicked into it. Qt's default lets a wheel over any field change its value, and scrolling the
Data form once turned "Normal patches" from 10 to 0 (napari and Orange guard the same way)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox

_GUARDED = (QAbstractSpinBox, QComboBox)


class WheelGuard(QObject):
    """Installed once on the application, so that every field of every panel, built now or
    later, is covered without each form remembering to."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(obj, _GUARDED):
            # a wheel over the field must not give it focus either (Qt's WheelFocus does)
            obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        elif kind == QEvent.Type.Wheel and isinstance(obj, _GUARDED) and not obj.hasFocus():
            # Consumed here but left unaccepted: Qt then hands the mouse's wheel to the parents,
            # and the scroll area around the form scrolls instead.
            event.ignore()
            return True
        return False


def install(app: QApplication) -> WheelGuard:
    guard = WheelGuard(app)
    app.installEventFilter(guard)
    return guard
