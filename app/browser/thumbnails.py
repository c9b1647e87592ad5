"""A bounded LRU cache of patch thumbnails (QPixmap, GUI thread only), built from the
memory-mapped store on demand.

A thumbnail costs tens of microseconds (one 16 KB page read, a smooth scale, an upload), so a
cache miss is built right away while this event-loop turn has budget left; past the budget the
delegate paints a placeholder and the rest are built on the next turns. A fast scroll thus
never makes one frame wait for a whole page of new thumbnails.
"""

from __future__ import annotations

import time
from collections import OrderedDict

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap

_BUDGET_S = 0.004  # thumbnail building per event-loop turn (well inside a 16 ms frame)
_MAX_PENDING = 512  # only the latest requests matter: older ones scrolled out of view


class ThumbnailCache(QObject):
    ready = Signal()  # queued thumbnails were built: repaint

    def __init__(self, max_bytes: int = 96 << 20, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.max_bytes = max_bytes  # pixmaps are 4 bytes a pixel whatever the source is
        self.capacity = 0  # entries; set from the thumbnail size by set_geometry
        self._lru: OrderedDict[int, QPixmap] = OrderedDict()
        self._pending: OrderedDict[int, int] = OrderedDict()
        self._store: np.ndarray | None = None
        self._side = 96
        self._dpr = 1.0
        self._spent = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next_turn)

    def __len__(self) -> int:
        return len(self._lru)

    def set_store(self, store: np.ndarray | None) -> None:
        """The N x H x W uint8 pixel store (a read-only memory map view)."""
        self._store = store
        self.clear()

    def set_geometry(self, side: int, dpr: float) -> None:
        """Thumbnail side in logical pixels, rendered at the screen's device pixel ratio."""
        px = round(side * dpr)
        self.capacity = max(256, self.max_bytes // (4 * px * px))
        if (side, dpr) != (self._side, self._dpr):
            self._side, self._dpr = side, dpr
            self.clear()

    def clear(self) -> None:
        self._lru.clear()
        self._pending.clear()

    def pixmap(self, patch_id: int, store_index: int) -> QPixmap | None:
        """The thumbnail, or None (paint a placeholder) when it is queued for a later turn."""
        pm = self._lru.get(patch_id)
        if pm is not None:
            self._lru.move_to_end(patch_id)
            return pm
        self._timer.start()  # a new turn resets the budget and builds what is pending
        if self._spent < _BUDGET_S:
            return self._build(patch_id, store_index)
        self._pending[patch_id] = store_index
        self._pending.move_to_end(patch_id)
        if len(self._pending) > _MAX_PENDING:
            self._pending.popitem(last=False)
        return None

    def _build(self, patch_id: int, store_index: int) -> QPixmap | None:
        if self._store is None or not 0 <= store_index < len(self._store):
            return None
        t0 = time.perf_counter()
        arr = np.ascontiguousarray(self._store[store_index])
        h, w = arr.shape
        img = QImage(arr.data, w, h, w, QImage.Format.Format_Grayscale8)
        px = max(1, round(self._side * self._dpr))
        pm = QPixmap.fromImage(
            img.scaled(
                px,
                px,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        pm.setDevicePixelRatio(self._dpr)
        self._lru[patch_id] = pm
        if len(self._lru) > self.capacity:
            self._lru.popitem(last=False)
        self._spent += time.perf_counter() - t0
        return pm

    def _next_turn(self) -> None:
        self._spent = 0.0
        built = False
        while self._pending and self._spent < _BUDGET_S:
            pid, store_index = self._pending.popitem(last=True)  # newest first: what is on screen
            built = self._build(pid, store_index) is not None or built
        if built:
            self.ready.emit()
