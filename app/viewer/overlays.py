"""Graphics items drawn over the mammogram: findings, extracted patch boxes, the breast mask.

Items live in image pixel coordinates inside the view box, with cosmetic pens (constant screen
width at any zoom) and text labels that ignore the zoom, so they stay readable.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPolygonF
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
)

LAYERS = ("findings", "patches", "mask")
_PATHOLOGY_COLOURS = {"malignant": (255, 70, 70), "benign": (255, 200, 0)}
_OTHER_COLOUR = (80, 200, 255)
_PATCH_COLOURS = {"lesion": (255, 140, 0), "normal": (90, 220, 120)}


def _outline_item(outline: dict[str, Any]) -> QGraphicsItem:
    if outline["kind"] == "circle":
        cx, cy, r = outline["cx"], outline["cy"], outline["r"]
        return QGraphicsEllipseItem(cx - r, cy - r, 2 * r, 2 * r)
    if outline["kind"] == "polygon":
        return QGraphicsPolygonItem(QPolygonF([QPointF(x, y) for x, y in outline["points"]]))
    return QGraphicsRectItem(
        QRectF(QPointF(outline["x0"], outline["y0"]), QPointF(outline["x1"], outline["y1"]))
    )


class OverlayLayers:
    """Owns the overlay items of the current image, per toggleable layer."""

    def __init__(self, view: pg.ViewBox) -> None:
        self.view = view
        self.items: dict[str, list[QGraphicsItem]] = {name: [] for name in LAYERS}
        # the mask is a check of the extraction, not something to read the image through
        self.visible = {"findings": True, "patches": True, "mask": False}

    def clear(self) -> None:
        for items in self.items.values():
            for item in items:
                self.view.removeItem(item)
            items.clear()

    def set_overlays(self, overlays: dict[str, list[dict[str, Any]]], mask: Any = None) -> None:
        """`overlays` as from catalogue_queries.image_overlays; `mask` a BreastMask or None."""
        self.clear()
        for f in overlays.get("findings", []):
            colour = _PATHOLOGY_COLOURS.get(f["pathology"] or "", _OTHER_COLOUR)
            shape = _outline_item(f["outline"])
            shape.setPen(pg.mkPen(colour, width=2))
            text = (f["finding_type"] or "finding").replace("_", " ")
            if f["pathology"] and f["pathology"] != "unknown":
                text += f" ({f['pathology']})"
            label = pg.TextItem(text, color=colour, anchor=(0, 1), fill=pg.mkBrush(0, 0, 0, 140))
            label.setPos(f["box"][0], f["box"][1])
            self._add("findings", shape, label)
        for p in overlays.get("patches", []):
            rect = QGraphicsRectItem(QRectF(QPointF(*p["box"][:2]), QPointF(*p["box"][2:])))
            rect.setPen(
                pg.mkPen(
                    _PATCH_COLOURS.get(p["label"], (200, 200, 200)),
                    width=1,
                    style=Qt.PenStyle.DashLine,
                )
            )
            self._add("patches", rect)
        if mask is not None:
            self._add("mask", self._mask_item(mask))

    @staticmethod
    def _mask_item(mask: Any) -> pg.ImageItem:
        """The mask grid's outline, stretched over the image."""
        grid = np.asarray(mask.grid, bool)
        inner = np.zeros_like(grid)  # 4-neighbour erosion; what it removes is the outline
        inner[1:-1, 1:-1] = (
            grid[1:-1, 1:-1] & grid[:-2, 1:-1] & grid[2:, 1:-1] & grid[1:-1, :-2] & grid[1:-1, 2:]
        )
        rgba = np.zeros((*grid.shape, 4), np.uint8)
        rgba[grid & ~inner] = (0, 255, 120, 200)  # outline only: no tint over the tissue
        item = pg.ImageItem(rgba, axisOrder="row-major")
        f = mask.factor
        item.setRect(QRectF(0, 0, grid.shape[1] * f, grid.shape[0] * f))
        return item

    def _add(self, layer: str, *items: QGraphicsItem) -> None:
        for item in items:
            item.setZValue(10)
            item.setVisible(self.visible[layer])
            self.view.addItem(item)
            self.items[layer].append(item)

    def set_visible(self, layer: str, on: bool) -> None:
        self.visible[layer] = on
        for item in self.items[layer]:
            item.setVisible(on)
