"""The image being read: the same dark frame for every image, a chosen zoom (fit or whole
multiples of the stored pixels, nearest neighbour, so no smoothing differs between images) and an
optional window/level dragged with the left mouse button."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QSizePolicy, QWidget

from ..training_view.images import ImageLabel

ZOOMS = (0, 1, 2, 3, 4, 5, 6, 7, 8)  # 0 = fit the frame
_WL_PIXELS = 600  # a drag across this many screen pixels changes the window by the full range
_MAX = 16_777_215  # QWIDGETSIZE_MAX


def full_range(bits: int) -> tuple[float, float]:
    """The stored range as (centre, width): the window every image starts with."""
    top = float(2**bits - 1)
    return top / 2, top


def windowed(pixels: np.ndarray, centre: float, width: float) -> np.ndarray:
    """8-bit display pixels of `pixels` through the window (centre, width)."""
    lo = centre - width / 2
    scaled = (pixels.astype(np.float32) - lo) * (255.0 / max(width, 1e-6))
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


class _DraggableImage(ImageLabel):
    dragged = Signal(float, float)  # dx, dy in screen pixels

    def __init__(self) -> None:
        super().__init__("", min_side=64)
        self._last: QPointF | None = None

    def mousePressEvent(self, ev: QMouseEvent) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            self._last = ev.position()

    def mouseMoveEvent(self, ev: QMouseEvent) -> None:
        if self._last is not None:
            d = ev.position() - self._last
            self._last = ev.position()
            self.dragged.emit(d.x(), d.y())

    def mouseReleaseEvent(self, ev: QMouseEvent) -> None:
        self._last = None


class ReadingImage(QScrollArea):
    """`show_pixels` an image; `set_zoom`; `window_enabled` turns left-drag window/level on."""

    window_changed = Signal(float, float)  # centre, width

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readingImage")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setStyleSheet("QScrollArea, #readingCanvas { background: #111; }")
        self.label = _DraggableImage()
        self.label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        canvas = QWidget()
        canvas.setObjectName("readingCanvas")
        grid = QGridLayout(canvas)
        grid.addWidget(self.label, 0, 0, Qt.AlignmentFlag.AlignCenter)
        self.setWidget(canvas)
        self._grid = grid
        self.pixels: np.ndarray | None = None
        self.bits = 8
        self.zoom = 0
        self.window_enabled = False
        self.centre, self.width = full_range(8)
        self.label.dragged.connect(self._on_drag)

    def set_bits(self, bits: int) -> None:
        self.bits = bits
        self.reset_window()

    def show_pixels(self, pixels: np.ndarray | None) -> None:
        self.pixels = pixels
        self._apply_zoom()
        self._render()

    def set_zoom(self, zoom: int) -> None:
        self.zoom = zoom
        self._apply_zoom()

    def _apply_zoom(self) -> None:
        if self.zoom == 0 or self.pixels is None:
            self._grid.setAlignment(self.label, Qt.AlignmentFlag(0))  # fill the frame
            self.label.setMinimumSize(64, 64)
            self.label.setMaximumSize(_MAX, _MAX)
            self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        else:
            rows, cols = self.pixels.shape
            dpr = self.devicePixelRatioF()
            self._grid.setAlignment(self.label, Qt.AlignmentFlag.AlignCenter)
            self.label.setFixedSize(round(cols * self.zoom / dpr), round(rows * self.zoom / dpr))

    def set_window(self, centre: float, width: float) -> None:
        self.centre, self.width = centre, max(width, 1.0)
        self._render()
        self.window_changed.emit(self.centre, self.width)

    def reset_window(self) -> None:
        self.set_window(*full_range(self.bits))

    def _on_drag(self, dx: float, dy: float) -> None:
        if self.window_enabled and self.pixels is not None:
            step = full_range(self.bits)[1] / _WL_PIXELS
            self.set_window(self.centre + dy * step, self.width + dx * step)

    def _render(self) -> None:
        if self.pixels is None:
            self.label.set_image(None)
        else:
            self.label.set_pixels(windowed(self.pixels, self.centre, self.width))
