"""What a person would see cut off in a window: a label, button, combo box or group title whose
text does not fit, or a form that scrolls sideways. The layout tests open every panel at
1280x800 and at the default size and expect none."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGraphicsTextItem,
    QGroupBox,
    QLabel,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)

SLACK = 2  # px: rounding between font metrics and layouts


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0 and widget.height() > 0


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text or not label.pixmap().isNull():
        return None
    room = label.contentsRect()
    if label.wordWrap():  # heightForWidth takes the whole width, padding included
        need = label.heightForWidth(label.width())
        if need > label.height() + SLACK:
            return f"label {text[:60]!r} needs {need} px of height, has {label.height()}"
        return None
    need = label.sizeHint().width() - (label.width() - room.width())
    if need > room.width() + SLACK:
        return f"label {text[:60]!r} needs {need} px, has {room.width()}"
    return None


def _combo_problem(box: QComboBox) -> str | None:
    text = box.currentText()
    if not text or box.isEditable():
        return None
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    field = box.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, box
    )
    need = box.fontMetrics().horizontalAdvance(text)
    if need > field.width() + SLACK:
        return f"combo box {text!r} needs {need} px, has {field.width()}"
    return None


def cut_texts(root: QWidget) -> list[str]:
    """Every text under `root` (shown widgets only) that a person would see cut off."""
    problems = [p for w in root.findChildren(QLabel) if _shown(w) and (p := _label_problem(w))]
    problems += [p for w in root.findChildren(QComboBox) if _shown(w) and (p := _combo_problem(w))]
    for button in root.findChildren(QAbstractButton):
        if _shown(button) and button.text() and button.sizeHint().width() > button.width() + SLACK:
            problems.append(
                f"button {button.text()!r} needs {button.sizeHint().width()} px, has {button.width()}"
            )
    for group in root.findChildren(QGroupBox):
        title = group.title()
        if _shown(group) and title and group.fontMetrics().horizontalAdvance(title) > group.width():
            problems.append(f"group title {title!r} is wider than its box")
    for area in root.findChildren(QScrollArea):
        bar = area.horizontalScrollBar()
        holds_fields = area.widget() is not None and bool(area.widget().findChildren(QLabel))
        if _shown(area) and holds_fields and bar.isVisible() and bar.maximum() > 0:
            problems.append(f"a form scrolls sideways by {bar.maximum()} px")
    problems += _plot_text_problems(root)
    return problems


def _plot_text_problems(root: QWidget) -> list[str]:
    """Titles, legends and axis labels of pyqtgraph plots that run out of their view."""
    import pyqtgraph as pg

    problems = []
    for view in root.findChildren(pg.GraphicsView):
        if not _shown(view):
            continue
        room = view.viewport().rect().adjusted(-SLACK, -SLACK, SLACK, SLACK)
        for item in view.scene().items():
            if not isinstance(item, QGraphicsTextItem) or not item.isVisible():
                continue
            text = item.toPlainText().strip()
            margin = item.document().documentMargin()  # blank around the text
            inked = item.boundingRect().adjusted(margin, margin, -margin, -margin)
            drawn = view.mapFromScene(item.mapToScene(inked)).boundingRect()
            if text and not room.contains(drawn):
                problems.append(f"plot text {text[:50]!r} runs out of its plot")
    return problems
