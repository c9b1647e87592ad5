"""A pyqtgraph ViewBox whose left drag selects points (a box or a free-hand lasso) while a
selection tool is on, and pans as usual otherwise; the wheel zooms in every mode."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsPathItem

TOOLS = ("pan", "box", "lasso")


def inside_polygon(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Which of `points` (N x 2; NaN rows are outside) lie inside `polygon` (K x 2): the even-odd
    ray rule, vectorised over the points, one pass per edge."""
    x, y = points[:, 0], points[:, 1]
    inside = np.zeros(len(points), bool)
    if len(polygon) < 3:
        return inside
    xj, yj = polygon[-1]
    with np.errstate(divide="ignore", invalid="ignore"):  # horizontal edges never cross
        for xi, yi in polygon:
            crosses = ((yi > y) != (yj > y)) & (x < (xj - xi) * (y - yi) / (yj - yi) + xi)
            inside ^= crosses
            xj, yj = xi, yi
    return inside


class SelectingViewBox(pg.ViewBox):
    selected = Signal(object)  # the outline, K x 2 in data coordinates

    def __init__(self) -> None:
        super().__init__()
        self.tool = "pan"
        self._outline: list[QPointF] = []
        self._drawn = QGraphicsPathItem()
        pen = QPen(Qt.GlobalColor.black, 1, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)  # one pixel wide at any zoom
        self._drawn.setPen(pen)
        self.addItem(self._drawn, ignoreBounds=True)

    def mouseDragEvent(self, ev, axis=None) -> None:
        if self.tool == "pan" or ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        here = self.mapSceneToView(ev.scenePos())
        if ev.isStart():
            self._outline = [self.mapSceneToView(ev.buttonDownScenePos())]
        if self.tool == "box":
            a = self._outline[0]
            self._outline = [a, QPointF(here.x(), a.y()), here, QPointF(a.x(), here.y())]
        else:
            self._outline.append(here)
        path = QPainterPath()
        path.addPolygon(QPolygonF(self._outline))
        path.closeSubpath()
        self._drawn.setPath(path)
        if ev.isFinish():
            outline = np.array([(p.x(), p.y()) for p in self._outline], np.float64)
            self._drawn.setPath(QPainterPath())
            self.selected.emit(outline)
