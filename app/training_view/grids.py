"""The latest fixed-noise sample grid beside a grid of real patches."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from mammogan_core.events import SampleGrid

from .images import ImageLabel


class SampleGrids(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.last: dict[str, np.ndarray] = {}  # the latest grid of each kind
        self.fake = ImageLabel("Generated samples appear here")
        self.real = ImageLabel("Real patches appear here")
        self.fake.setToolTip("The generator's output for the same fixed noise at every grid")
        self.real.setToolTip("A random draw of the training patches")
        self.fake_caption = QLabel("<b>Generated</b> (fixed noise)")
        self.real_caption = QLabel("<b>Real</b> training patches")
        lay = QGridLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for col, (caption, image) in enumerate(
            ((self.fake_caption, self.fake), (self.real_caption, self.real))
        ):
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setWordWrap(True)
            lay.addWidget(caption, 0, col)
            lay.addWidget(image, 1, col)
            lay.setColumnStretch(col, 1)
        lay.setRowStretch(1, 1)

    def show_grid(self, ev: SampleGrid) -> None:
        self.last[ev.kind] = ev.image
        if ev.kind == "real":
            self.real.set_pixels(ev.image)
        elif ev.kind == "fake":
            self.fake.set_pixels(ev.image)
            self.fake_caption.setText(f"<b>Generated</b> (fixed noise), step {ev.step:,}")

    def clear(self) -> None:
        self.last.clear()
        self.fake.set_image(None)
        self.real.set_image(None)
        self.fake_caption.setText("<b>Generated</b> (fixed noise)")
