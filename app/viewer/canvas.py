"""The mammogram canvas: an ImageItem in a view box with radiologists' mouse and keys.

Left-drag: window/level (right = wider, down = higher centre), middle-drag: pan, wheel or
right-drag: zoom. Keys: F or 0 fit, R reset, I invert, 1-4 window presets. Corners show
laterality + view, window and zoom, and the pixel value under the cursor.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

from .overlays import OverlayLayers
from .presets import Preset

_WL_PIXELS = 600  # a drag across this many screen pixels changes the window by the full range
_LABEL_STYLE = "color: #f0f0f0; background: rgba(0, 0, 0, 150); padding: 3px 6px; font-size: {}pt;"


class _WindowLevelBox(pg.ViewBox):
    """A view box whose left-drag adjusts the window instead of panning."""

    window_dragged = Signal(float, float)  # dx, dy in screen pixels

    def mouseDragEvent(self, ev: Any, axis: int | None = None) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            d = ev.screenPos() - ev.lastScreenPos()
            self.window_dragged.emit(d.x(), d.y())
        else:  # middle pans, right zooms (pyqtgraph's defaults)
            super().mouseDragEvent(ev, axis)


class MammogramCanvas(pg.GraphicsLayoutWidget):
    window_changed = Signal(float, float)  # centre, width

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground("k")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip(
            "Left-drag: window/level · middle-drag: pan · wheel or right-drag: zoom\n"
            "F/0: fit · R: reset · I: invert · 1-4: window presets"
        )
        self.view = _WindowLevelBox(invertY=True, lockAspect=True, enableMenu=False)
        self.addItem(self.view)
        self.image_item = pg.ImageItem(axisOrder="row-major", autoDownsample=True)
        self.view.addItem(self.image_item)
        self.overlays = OverlayLayers(self.view)
        self.pixels: np.ndarray | None = None
        self.presets: list[Preset] = []
        self.window_center, self.window_width, self.inverted = 0.5, 1.0, False
        self._range = (0.0, 1.0)
        self.corner = {k: self._corner_label(k) for k in ("tl", "tr", "bl", "br")}
        self.corner["tl"].setStyleSheet(_LABEL_STYLE.format(16) + "font-weight: bold;")
        self.view.window_dragged.connect(self._on_window_drag)
        self.view.sigRangeChanged.connect(self._update_corners)
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)

    def _corner_label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(f"corner_{name}")
        label.setStyleSheet(_LABEL_STYLE.format(10))
        label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        label.hide()
        return label

    # ---------------------------------------------------------------- image
    def set_image(
        self,
        pixels: np.ndarray,
        presets: list[Preset],
        laterality: str | None,
        view: str | None,
        title: str,
    ) -> None:
        self.pixels = pixels
        self.presets = presets
        lo, hi = float(presets[1][1] - presets[1][2] / 2), float(presets[1][1] + presets[1][2] / 2)
        self._range = (lo, hi)
        self.image_item.setImage(pixels, autoLevels=False)
        self.corner["tl"].setText(f"{laterality or '?'} {view or '?'}")
        self.corner["br"].setText(f"{title} · {pixels.shape[1]} × {pixels.shape[0]}")
        self.corner["bl"].setText("")
        self.reset()

    def clear_image(self) -> None:
        self.pixels = None
        self.image_item.clear()
        self.overlays.clear()
        for label in self.corner.values():
            label.hide()

    # ---------------------------------------------------------------- window / level
    def set_window(self, center: float, width: float) -> None:
        self.window_center, self.window_width = float(center), max(float(width), 1e-6)
        half = self.window_width / 2
        self.image_item.setLevels((self.window_center - half, self.window_center + half))
        self._update_corners()
        self.window_changed.emit(self.window_center, self.window_width)

    def apply_preset(self, i: int) -> None:
        if 0 <= i < len(self.presets):
            _name, c, w = self.presets[i]
            self.set_window(c, w)

    def set_inverted(self, on: bool) -> None:
        self.inverted = on
        self.image_item.setLookupTable(np.arange(255, -1, -1, dtype=np.uint8) if on else None)
        self._update_corners()

    def _on_window_drag(self, dx: float, dy: float) -> None:
        step = (self._range[1] - self._range[0]) / _WL_PIXELS
        self.set_window(self.window_center + dy * step, self.window_width + dx * step)

    # ---------------------------------------------------------------- zoom
    def fit(self) -> None:
        if self.pixels is not None:
            rows, cols = self.pixels.shape[:2]
            self.view.setRange(QRectF(0, 0, cols, rows), padding=0.02)

    def reset(self) -> None:
        self.set_inverted(False)
        self.apply_preset(0)
        self.fit()

    def focus_box(self, box: tuple[float, float, float, float], context: float = 3.0) -> None:
        """Centre on an (x0, y0, x1, y1) box with `context` times its size around it."""
        x0, y0, x1, y1 = box
        side = max(x1 - x0, y1 - y0, 64) * context
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        self.view.setRange(QRectF(cx - side / 2, cy - side / 2, side, side), padding=0)

    def zoom(self) -> float:
        """Screen pixels per image pixel."""
        px = self.view.viewPixelSize()[0]
        return 1.0 / px if px else 1.0

    # ---------------------------------------------------------------- keys and corners
    def keyPressEvent(self, ev: QKeyEvent) -> None:
        key = ev.key()
        if key in (Qt.Key.Key_F, Qt.Key.Key_0):
            self.fit()
        elif key == Qt.Key.Key_R:
            self.reset()
        elif key == Qt.Key.Key_I:
            self.set_inverted(not self.inverted)
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_4:
            self.apply_preset(key - Qt.Key.Key_1)
        else:
            super().keyPressEvent(ev)

    def _update_corners(self) -> None:
        if self.pixels is None:
            return
        inv = " · inverted" if self.inverted else ""
        self.corner["tr"].setText(
            f"W {self.window_width:.0f}  L {self.window_center:.0f}{inv}\nZoom {self.zoom():.2f}×"
        )
        for label in self.corner.values():
            label.setVisible(bool(label.text()))
            label.adjustSize()
        self._place_corners()

    def _on_mouse_moved(self, pos: QPointF) -> None:
        if self.pixels is None:
            return
        p = self.view.mapSceneToView(pos)
        col, row = int(np.floor(p.x())), int(np.floor(p.y()))
        rows, cols = self.pixels.shape[:2]
        if 0 <= row < rows and 0 <= col < cols:
            self.corner["bl"].setText(f"x {col}  y {row}  value {self.pixels[row, col]:g}")
        else:
            self.corner["bl"].setText("")
        self._update_corners()

    def _place_corners(self) -> None:
        m, w, h = 8, self.width(), self.height()
        c = self.corner
        c["tl"].move(m, m)
        c["tr"].move(w - c["tr"].width() - m, m)
        c["bl"].move(m, h - c["bl"].height() - m)
        c["br"].move(w - c["br"].width() - m, h - c["br"].height() - m)

    def resizeEvent(self, ev: QResizeEvent) -> None:
        super().resizeEvent(ev)
        if hasattr(self, "corner"):  # pyqtgraph resizes during its own __init__
            self._place_corners()
