"""Paints one patch thumbnail from the cache (or a placeholder), with a selection frame."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from .model import ID_ROLE, STORE_ROLE
from .thumbnails import ThumbnailCache

_PAD = 3
_PLACEHOLDER = QColor(60, 60, 64)


class PatchDelegate(QStyledItemDelegate):
    def __init__(self, cache: ThumbnailCache, side: int = 96, parent=None) -> None:
        super().__init__(parent)
        self.cache = cache
        self.side = side

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(self.side + 2 * _PAD, self.side + 2 * _PAD)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        cell: QRect = option.rect
        target = QRect(cell.x() + _PAD, cell.y() + _PAD, self.side, self.side)
        pm = self.cache.pixmap(index.data(ID_ROLE), index.data(STORE_ROLE))
        if pm is None:
            painter.fillRect(target, _PLACEHOLDER)
        else:
            painter.drawPixmap(target, pm)
        if option.state & QStyle.StateFlag.State_Selected:
            pen = QPen(option.palette.highlight().color(), 3)
            painter.setPen(pen)
            painter.drawRect(cell.adjusted(1, 1, -2, -2))
