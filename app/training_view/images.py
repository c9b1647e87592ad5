"""Grayscale uint8 arrays as pixmaps (GUI thread only), in a label that scales with its box."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


def gray_image(pixels: np.ndarray) -> QImage:
    """A deep copy, so the QImage does not depend on the array's lifetime."""
    arr = np.ascontiguousarray(pixels, np.uint8)
    h, w = arr.shape
    return QImage(arr.data, w, h, w, QImage.Format.Format_Grayscale8).copy()


class ImageLabel(QLabel):
    """Shows one image as large as its box allows, keeping its aspect ratio, sharp on HiDPI."""

    def __init__(self, placeholder: str = "", min_side: int = 96, parent: QWidget | None = None):
        super().__init__(placeholder, parent)
        self._image: QImage | None = None
        self._placeholder = placeholder
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(min_side, min_side)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setStyleSheet("QLabel { background: #111; color: #aaa; }")

    @property
    def image(self) -> QImage | None:
        return self._image

    def set_pixels(self, pixels: np.ndarray | None) -> None:
        self.set_image(None if pixels is None else gray_image(pixels))

    def set_image(self, image: QImage | None) -> None:
        self._image = None if image is None or image.isNull() else image
        self._rescale()

    def sizeHint(self) -> QSize:
        return QSize(256, 256)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self._image is None:
            self.setPixmap(QPixmap())
            self.setText(self._placeholder)
            return
        dpr = self.devicePixelRatioF()
        size = self.contentsRect().size() * dpr
        # Enlarging: nearest neighbour shows the generator's real pixels; shrinking: smooth.
        smaller = size.width() < self._image.width() or size.height() < self._image.height()
        mode = (
            Qt.TransformationMode.SmoothTransformation
            if smaller
            else Qt.TransformationMode.FastTransformation
        )
        pm = QPixmap.fromImage(self._image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, mode))
        pm.setDevicePixelRatio(dpr)
        self.setPixmap(pm)
