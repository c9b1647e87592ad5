"""The latent explorer: a run's generator walked from latent A to latent B (a row of images).

The generator is loaded and run by `mammogan_core.latent` through the task manager, so torch is
imported off the GUI thread and only when the user asks for an interpolation.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.control import Control
from mammogan_core.events import Event, SampleGrid

from ..context import AppContext
from .images import ImageLabel

SEED_MAX = 999_999  # six digits: easy to note down, and any seed of the core works the same
MAX_FRAMES = 16  # the core accepts more; more do not fit a row of a small window


class _Frame(ImageLabel):
    """A square image: as tall as the column is wide."""

    def __init__(self) -> None:
        super().__init__("", 24)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width


def _seed_box(value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, SEED_MAX)
    box.setValue(value)
    return box


class LatentExplorer(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.frames: list[np.ndarray] = []
        self.run_box = QComboBox()
        self.run_box.setToolTip("Runs with at least one checkpoint")
        # Long run names must not widen the window: the list shows them in full.
        self.run_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.run_box.setMinimumContentsLength(12)
        self.checkpoint_box = QComboBox()
        self.checkpoint_box.addItems(["best", "last"])
        self.checkpoint_box.setToolTip("best.pt (by the run's best metric) or the newest")
        self.seed_a, self.seed_b = _seed_box(1), _seed_box(2)
        for box, name in ((self.seed_a, "A"), (self.seed_b, "B")):
            box.setToolTip(f"Seed of latent {name}: z ~ N(0, 1), as `mammogan generate --seed`")
        self.new_a, self.new_b = QPushButton("New A"), QPushButton("New B")
        self.steps = QSpinBox()
        self.steps.setRange(2, MAX_FRAMES)
        self.steps.setValue(8)
        self.mode_box = QComboBox()
        self.mode_box.addItems(["slerp", "linear"])
        self.mode_box.setToolTip("slerp follows the sphere where Gaussian latents live")
        self.compute_button = QPushButton("Interpolate")
        self.compute_button.setObjectName("primaryButton")
        self.compute_button.setShortcut("Ctrl+I")
        self.compute_button.setToolTip("Generate the images from A to B (Ctrl+I)")
        self.caption = QLabel(
            "Walk the generator's latent space from latent A to latent B: choose a trained "
            "run, two seeds and the number of steps. Smooth changes along the path suggest "
            "the generator has learnt a continuous space rather than memorised patches."
        )
        self.caption.setWordWrap(True)
        self.strip = QGridLayout()
        self.strip.setHorizontalSpacing(4)

        controls = QGridLayout()  # one column of fields: the tab stays narrow
        rows = (
            ("Run:", self.run_box, None),
            ("Checkpoint:", self.checkpoint_box, None),
            ("Seed A:", self.seed_a, self.new_a),
            ("Seed B:", self.seed_b, self.new_b),
            ("Steps:", self.steps, None),
            ("Path:", self.mode_box, None),
            ("", self.compute_button, None),
        )
        for row, (text, field, button) in enumerate(rows):
            controls.addWidget(QLabel(text), row, 0)
            controls.addWidget(field, row, 1, 1, 1 if button else 2)
            if button:
                controls.addWidget(button, row, 2)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # Checkpoint paths do not wrap: let them be cut rather than widen the window.
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.caption.setMinimumWidth(120)
        top = QHBoxLayout()
        top.addLayout(controls)
        top.addSpacing(16)
        top.addWidget(self.caption, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(self.strip)
        lay.addStretch(1)

        self.new_a.clicked.connect(lambda: self.seed_a.setValue(random.randrange(SEED_MAX + 1)))
        self.new_b.clicked.connect(lambda: self.seed_b.setValue(random.randrange(SEED_MAX + 1)))
        self.compute_button.clicked.connect(self.compute)
        self.run_box.currentTextChanged.connect(self._update_enabled)
        self._busy = False
        self._update_enabled()

    def set_runs(self, run_ids: list[str]) -> None:
        current = self.run_box.currentText()
        self.run_box.clear()
        self.run_box.addItems(run_ids)
        if current in run_ids:
            self.run_box.setCurrentText(current)
        self._update_enabled()

    def compute(self) -> None:
        ws, run = self.ctx.workspace, self.run_box.currentText()
        if ws is None or not run or self._busy:
            return
        args = (
            run,
            self.checkpoint_box.currentText(),
            self.seed_a.value(),
            self.seed_b.value(),
            self.steps.value(),
        )
        mode = self.mode_box.currentText()

        def op(control: Control) -> Iterator[Event]:
            from mammogan_core.latent import interpolation_events

            return ws.in_own_session(
                lambda own: interpolation_events(own, *args, control, mode=mode)
            )

        self._busy = True
        self._update_enabled()
        self.caption.setText(f"Interpolating {run}…")
        task = self.ctx.tasks.start("Latent interpolation", op)
        task.event.connect(self._on_event)
        task.finished.connect(self._on_finished)
        task.failed.connect(lambda message, _tb: self.caption.setText(f"Failed: {message}"))
        task.ended.connect(self._on_ended)

    def _on_event(self, ev: Event) -> None:
        if isinstance(ev, SampleGrid) and ev.kind == "interpolation":
            side = ev.image.shape[0]
            self.frames = np.split(ev.image, ev.image.shape[1] // side, axis=1)
            self._show_frames()

    def _on_finished(self, summary: dict) -> None:
        if "run" in summary:
            a, b = summary["seeds"]
            self.caption.setText(
                f"{summary['run']}, step {summary['step']:,} ({summary['checkpoint']}): "
                f"{summary['mode']} from seed {a} (left) to seed {b} (right)"
            )

    def _on_ended(self) -> None:
        self._busy = False
        self._update_enabled()

    def _show_frames(self) -> None:
        while self.strip.count():
            item = self.strip.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        n = len(self.frames)
        for i, frame in enumerate(self.frames):
            image = _Frame()
            image.set_pixels(frame)
            t = i / (n - 1)
            name = "A" if i == 0 else "B" if i == n - 1 else f"t = {t:.2f}"
            label = QLabel(name)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.strip.addWidget(image, 0, i)
            self.strip.addWidget(label, 1, i)
            self.strip.setColumnStretch(i, 1)

    def _update_enabled(self) -> None:
        ok = bool(self.run_box.currentText()) and not self._busy
        self.compute_button.setEnabled(ok)
        self.compute_button.setToolTip(
            "Generate the images from A to B (Ctrl+I)"
            if ok
            else "Busy…"
            if self._busy
            else "No trained run with a checkpoint yet"
        )
