"""Guards against a Qt binding that corrupts the interpreter (PySide6 6.12.0 on CPython 3.11:
every void method call dropped one reference to None, so a GUI session died within minutes)."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_void_calls_do_not_leak_references_to_none(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
    assert abs(sys.getrefcount(None) - before) < 50
