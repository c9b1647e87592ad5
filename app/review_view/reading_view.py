"""Blinded reading: one image at a time, the call (real / synthetic) and a 1-5 confidence by
keyboard or mouse, each answer saved by the core the moment it is given.

Keys: R / S the call, then 1-5 the confidence (which saves it); ← → move back and forward;
Ctrl+Z or Backspace undo the last answer; P or Space pause; F11 full screen, Esc leaves it;
+ / - zoom. Nothing here names an image: no file names, no ids, the same frame for every image;
the position shown is in this reader's own shuffled order.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.errors import MammoganError
from mammogan_core.review.package import ReviewPackage
from mammogan_core.review.reading import ReadingSession

from .. import dialogs
from .clock import ReadingClock
from .reading_image import ZOOMS, ReadingImage

CALLS = {"real": "Real", "synthetic": "Synthetic"}
CONFIDENCE = {1: "1 guess", 2: "2", 3: "3", 4: "4", 5: "5 certain"}
_DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in CONFIDENCE}
_HINT = (
    "<b>R</b> real · <b>S</b> synthetic, then <b>1</b>–<b>5</b> confidence (saves the answer) · "
    "<b>←</b> <b>→</b> move · <b>Ctrl+Z</b> undo · <b>P</b> pause · <b>F11</b> full screen · "
    "<b>+</b> <b>−</b> zoom"
)
IMAGE, PAUSED, FINISHED = range(3)


def _button(text: str, tip: str, checkable: bool = False) -> QPushButton:
    """Buttons never take the keyboard focus: the keys always reach the reading view."""
    b = QPushButton(text)
    b.setToolTip(tip)
    b.setCheckable(checkable)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if checkable:  # the chosen call and confidence must be plain to see
        b.setStyleSheet("QPushButton:checked { background: #2d6fb7; color: white; }")
    return b


class ReadingView(QWidget):
    closed = Signal()  # the reader left (answers are already saved)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readingView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.package: ReviewPackage | None = None
        self.session: ReadingSession | None = None
        self.position = 0  # index into the reader's order
        self.pending_call: str | None = None
        self.clock = ReadingClock()

        self.title = QLabel()
        self.title.setObjectName("readingTitle")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.count_label = QLabel()
        self.count_label.setObjectName("readingCount")
        self.zoom_box = QComboBox()
        self.zoom_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for z in ZOOMS:
            self.zoom_box.addItem("Fit" if z == 0 else f"{z}×", z)
        self.zoom_box.setToolTip("Zoom (+ / −)")
        self.window_box = QCheckBox("Window/level")
        self.window_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.window_box.setToolTip(
            "Drag on the image: right = wider window, down = brighter. Off: the full range"
        )
        self.pause_button = _button("Pause", "Pause the reading time and hide the image (P)", True)
        self.full_button = _button("Full screen", "Full screen (F11; Esc leaves it)", True)
        self.close_button = _button("Stop reading", "Leave; your answers are saved, resume later")
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.count_label)
        top.addSpacing(12)
        top.addWidget(QLabel("Zoom:"))
        for w in (self.zoom_box, self.window_box, self.pause_button, self.full_button):
            top.addWidget(w)
        top.addWidget(self.close_button)

        self.image = ReadingImage()
        self.paused_label = QLabel(
            "Paused: the image is hidden and the time stopped.\n\nP resumes."
        )
        self.finished_label = QLabel()
        self.finished_label.setObjectName("readingFinished")
        self.finished_label.setWordWrap(True)
        self.finished_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pages = QStackedWidget()
        for w in (self.image, self.paused_label, self.finished_label):
            if isinstance(w, QLabel):
                w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.pages.addWidget(w)

        self.call_buttons = {
            c: _button(f"{t}  ({c[0].upper()})", f"This lesion is {c}", True)
            for c, t in CALLS.items()
        }
        self.confidence_buttons = {
            n: _button(t, f"Confidence {n} of 5 ({n}); saves the answer", True)
            for n, t in CONFIDENCE.items()
        }
        self.back_button = _button("◀ Back", "The previous image (←)")
        self.forward_button = _button("Forward ▶", "The next image (→)")
        self.undo_button = _button("Undo last", "Take back the last answer (Ctrl+Z or Backspace)")
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.back_button)
        answer_row.addStretch(1)
        for b in self.call_buttons.values():
            b.setMinimumWidth(130)
            answer_row.addWidget(b)
        answer_row.addSpacing(24)
        answer_row.addWidget(QLabel("Confidence:"))
        for b in self.confidence_buttons.values():
            answer_row.addWidget(b)
        answer_row.addStretch(1)
        answer_row.addWidget(self.undo_button)
        answer_row.addWidget(self.forward_button)
        self.status = QLabel()
        self.status.setObjectName("readingStatus")
        hint = QLabel(_HINT)
        hint.setObjectName("readingHint")

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.progress)
        lay.addWidget(self.pages, 1)
        lay.addLayout(answer_row)
        lay.addWidget(self.status)
        lay.addWidget(hint)

        self.zoom_box.currentIndexChanged.connect(
            lambda _i: self.image.set_zoom(self.zoom_box.currentData())
        )
        self.window_box.toggled.connect(self._on_window_toggled)
        self.pause_button.toggled.connect(self.set_paused)
        self.full_button.toggled.connect(self._set_full_screen)
        self.close_button.clicked.connect(self.leave)
        for call, b in self.call_buttons.items():
            b.clicked.connect(lambda _c=False, c=call: self.choose(c))
        for n, b in self.confidence_buttons.items():
            b.clicked.connect(lambda _c=False, n=n: self.give_confidence(n))
        self.back_button.clicked.connect(self.back)
        self.forward_button.clicked.connect(self.forward)
        self.undo_button.clicked.connect(self.undo)

    # ---------------------------------------------------------------- session
    def start(self, package: ReviewPackage, session: ReadingSession) -> None:
        """Read `session`'s images from its first unanswered one (or the end if all are)."""
        self.package, self.session = package, session
        self.title.setText(f"<b>{package.title or 'Review'}</b> · reader {session.reader.name}")
        self.image.set_bits(package.bits)
        zoom = package.display.get("zoom", 0)
        self.zoom_box.setCurrentIndex(max(0, self.zoom_box.findData(zoom)))
        self.window_box.setChecked(False)
        self.window_box.setVisible(bool(package.display.get("window_level")))
        self.set_paused(False)
        self._go(self._limit())
        self.window().activateWindow()  # back from the reader dialog: the keys come here
        self.setFocus()

    def _limit(self) -> int:
        """The furthest position the reader may go: the first unanswered image (or the end)."""
        assert self.session is not None
        current = self.session.current()
        return len(self.session.order) if current is None else self.session.order.index(current)

    @property
    def image_id(self) -> str | None:
        s = self.session
        return s.order[self.position] if s is not None and self.position < len(s.order) else None

    def _go(self, position: int) -> None:
        assert self.session is not None and self.package is not None
        self.position = max(0, min(position, self._limit()))
        self.pending_call = None
        image_id = self.image_id
        s = self.session
        self.progress.setRange(0, s.total)
        self.progress.setValue(s.answered)
        left = s.total - s.answered
        if image_id is None:
            self.image.show_pixels(None)
            self.count_label.setText(f"All {s.total} answered")
            self.finished_label.setText(
                f"<h2>All {s.total} images are answered. Thank you.</h2>"
                f"<p>Your answers are saved in<br>{s.path}</p>"
                "<p>If the organiser sent you this package, send them that file. "
                "← goes back to change an answer.</p>"
            )
        else:
            self.image.show_pixels(self.package.image(image_id))
            self.count_label.setText(f"Image {self.position + 1} of {s.total} · {left} left")
        self._show_page()
        self._show_given()
        self.clock.restart()
        self.back_button.setEnabled(self.position > 0)
        self.forward_button.setEnabled(self.position < self._limit())
        self.undo_button.setEnabled(s.answered > 0)
        for b in [*self.call_buttons.values(), *self.confidence_buttons.values()]:
            b.setEnabled(image_id is not None)

    def _show_page(self) -> None:
        if self.pause_button.isChecked():
            self.pages.setCurrentIndex(PAUSED)
        else:
            self.pages.setCurrentIndex(IMAGE if self.image_id is not None else FINISHED)

    def _show_given(self) -> None:
        """The buttons show the pending call, or the reader's earlier answer on a revisited
        image (never anything about the truth)."""
        given: Any = None
        if self.session is not None and self.image_id is not None:
            given = self.session.answers.get(self.image_id)
        call = self.pending_call or (given.call if given is not None else None)
        for c, b in self.call_buttons.items():
            b.setChecked(c == call)
        for n, b in self.confidence_buttons.items():
            b.setChecked(self.pending_call is None and given is not None and n == given.confidence)
        if given is not None and self.pending_call is None:
            self.status.setText(
                f"Your answer: {CALLS[given.call]}, confidence {given.confidence}. "
                "Answer again to change it."
            )
        elif self.pending_call is not None:
            self.status.setText(f"{CALLS[self.pending_call]}: now the confidence, 1 to 5.")
        else:
            self.status.setText("")

    # ---------------------------------------------------------------- answering
    def choose(self, call: str) -> None:
        if self.image_id is None or self.pause_button.isChecked():
            return
        self.pending_call = call
        self._show_given()

    def give_confidence(self, confidence: int) -> None:
        if self.image_id is None or self.pause_button.isChecked():
            return
        if self.pending_call is None:
            self._show_given()
            self.status.setText("First the call: R (real) or S (synthetic), then 1 to 5.")
            return
        assert self.session is not None
        try:
            self.session.answer(self.image_id, self.pending_call, confidence, self.clock.seconds)
        except (MammoganError, OSError) as exc:
            self._show_given()
            dialogs.show_error(self, "The answer was not saved", str(exc))
            return
        self._go(self.position + 1)

    def undo(self) -> None:
        if self.session is None or self.session.answered == 0:
            return
        undone = self.session.undo_last()
        self._go(self.session.order.index(undone) if undone else self._limit())
        self.status.setText("The last answer was taken back: answer this image again.")

    def back(self) -> None:
        if self.session is not None and self.position > 0:
            self._go(self.position - 1)

    def forward(self) -> None:
        if self.session is not None and self.position < self._limit():
            self._go(self.position + 1)

    # ---------------------------------------------------------------- pause, time, screen
    def set_paused(self, paused: bool) -> None:
        if self.pause_button.isChecked() != paused:
            self.pause_button.setChecked(paused)  # comes back here through `toggled`
            return
        self.pause_button.setText("Resume" if paused else "Pause")
        self.clock.set_paused(paused)
        self._show_page()

    def _on_window_toggled(self, on: bool) -> None:
        self.image.window_enabled = on
        if not on:
            self.image.reset_window()

    def _set_full_screen(self, on: bool) -> None:
        """The view itself becomes a full-screen window (and back into the panel)."""
        if on == self.isWindow():
            return
        if on:
            self.setWindowFlag(Qt.WindowType.Window, True)
            self.showFullScreen()
        else:
            self.setWindowFlag(Qt.WindowType.Window, False)
            self.showNormal()
            self.show()
        self.window().activateWindow()
        self.setFocus()

    def leave(self) -> None:
        self.full_button.setChecked(False)
        self.set_paused(False)
        self.closed.emit()

    def _update_clock(self) -> None:
        self.clock.set_hidden(not (self.isVisible() and self.isActiveWindow()))

    def event(self, ev: QEvent) -> bool:
        # the window's (de)activation reaches its visible children as these two events
        if ev.type() in (QEvent.Type.WindowActivate, QEvent.Type.WindowDeactivate):
            self._update_clock()
        return super().event(ev)

    def showEvent(self, ev: Any) -> None:
        super().showEvent(ev)
        self._update_clock()

    def hideEvent(self, ev: Any) -> None:
        super().hideEvent(ev)
        self._update_clock()

    # ---------------------------------------------------------------- keys
    def keyPressEvent(self, ev: QKeyEvent) -> None:
        key, mods = ev.key(), ev.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        actions = {
            Qt.Key.Key_R: lambda: self.choose("real"),
            Qt.Key.Key_S: lambda: self.choose("synthetic"),
            Qt.Key.Key_Left: self.back,
            Qt.Key.Key_Right: self.forward,
            Qt.Key.Key_Backspace: self.undo,
            Qt.Key.Key_P: lambda: self.set_paused(not self.pause_button.isChecked()),
            Qt.Key.Key_Space: lambda: self.set_paused(not self.pause_button.isChecked()),
            Qt.Key.Key_F11: self.full_button.toggle,
            Qt.Key.Key_Escape: lambda: self.full_button.setChecked(False),
            Qt.Key.Key_Plus: lambda: self._step_zoom(1),
            Qt.Key.Key_Equal: lambda: self._step_zoom(1),
            Qt.Key.Key_Minus: lambda: self._step_zoom(-1),
        }
        if ctrl and key == Qt.Key.Key_Z:
            self.undo()
        elif key in _DIGITS and not ctrl:
            self.give_confidence(_DIGITS[key])
        elif key in actions and not ctrl:
            actions[key]()
        else:
            super().keyPressEvent(ev)

    def _step_zoom(self, step: int) -> None:
        i = min(max(self.zoom_box.currentIndex() + step, 0), self.zoom_box.count() - 1)
        self.zoom_box.setCurrentIndex(i)
