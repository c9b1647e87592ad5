"""The patch browser: filters, a thumbnail size slider, the grid and the selected patch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mammogan_core import catalogue_queries as cq

from .delegate import PatchDelegate
from .detail import PatchDetail
from .model import ID_ROLE, PatchListModel
from .thumbnails import ThumbnailCache

if TYPE_CHECKING:
    from mammogan_core.workspace import Workspace

_ANY = "Any"


class PatchGrid(QListView):
    """A wrapping grid of uniform cells. List mode with left-to-right flow lays 150,000 uniform
    items out arithmetically; icon mode would position (and store) every item one by one."""

    def __init__(self, model: PatchListModel, cache: ThumbnailCache, parent: QWidget | None = None):
        super().__init__(parent)
        self.cache = cache
        self.delegate = PatchDelegate(cache, parent=self)
        self.setModel(model)
        self.setItemDelegate(self.delegate)
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(2000)
        self.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setStyleSheet("QListView { background: #1e1e22; }")  # thumbnails read best on dark
        cache.ready.connect(self.viewport().update)

    def set_side(self, side: int) -> None:
        self.delegate.side = side
        self.cache.set_geometry(side, self.devicePixelRatioF())
        self.verticalScrollBar().setSingleStep(side // 2)
        self.scheduleDelayedItemsLayout()  # uniform sizes are cached: lay out again
        self.viewport().update()


class PatchBrowser(QWidget):
    open_image = Signal(int, tuple)  # image id, box

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws: Workspace | None = None
        self.model = PatchListModel(self)
        self.cache = ThumbnailCache(parent=self)
        self.grid = PatchGrid(self.model, self.cache)
        self.detail = PatchDetail()
        self.label_box = self._combo(
            "Class", [(_ANY, None)] + [(v.capitalize(), v) for v in cq.PATCH_LABELS]
        )
        self.split_box = self._combo("Split", [(_ANY, None)])
        self.source_box = self._combo("Source", [(_ANY, None)])
        self.type_box = self._combo("Lesion type", [(_ANY, None)])
        self.count_label = QLabel("0 patches")
        self.count_label.setObjectName("patchCount")
        self.size_slider = QSlider(Qt.Orientation.Horizontal)
        self.size_slider.setRange(48, 256)
        self.size_slider.setValue(96)
        self.size_slider.setFixedWidth(140)
        self.size_slider.setToolTip("Thumbnail size")

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        for title, box in (
            ("Class", self.label_box),
            ("Split", self.split_box),
            ("Source", self.source_box),
            ("Lesion type", self.type_box),
        ):
            bar.addWidget(QLabel(title + ":"))
            bar.addWidget(box)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        bar.addSpacing(12)
        bar.addWidget(QLabel("Size:"))
        bar.addWidget(self.size_slider)
        split = QSplitter()
        split.addWidget(self.grid)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 1)
        split.setCollapsible(1, False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(split, 1)

        for box in (self.label_box, self.split_box, self.source_box, self.type_box):
            box.currentIndexChanged.connect(self.refresh)
        self.size_slider.valueChanged.connect(self.grid.set_side)
        self.grid.selectionModel().selectionChanged.connect(self._on_selection)
        self.detail.open_requested.connect(self.open_image)
        self.grid.set_side(self.size_slider.value())
        self.shortcuts = self._add_shortcuts()

    def _add_shortcuts(self) -> dict[str, QShortcut]:
        """Keys for the grid (listed under F1): arrows move through it as Qt's lists do."""
        step = 16  # px of thumbnail size per key press
        slider = self.size_slider
        # Return (and a double-click) activates a patch: Qt's item views send `activated`
        self.grid.activated.connect(lambda _index: self.detail.open_button.click())
        keys = {
            "+": lambda: slider.setValue(slider.value() + step),
            "=": lambda: slider.setValue(slider.value() + step),  # + without Shift
            "-": lambda: slider.setValue(slider.value() - step),
        }
        made = {}
        for key, slot in keys.items():
            shortcut = QShortcut(QKeySequence(key), self.grid)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            made[key] = shortcut
        return made

    @staticmethod
    def _combo(name: str, items: list[tuple[str, Any]]) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(name)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for text, value in items:
            box.addItem(text, value)
        return box

    def set_workspace(self, ws: Workspace | None) -> None:
        """Reload the filter choices and the patches (after an import, an extraction...)."""
        self.ws = ws
        choices = (
            cq.patch_choices(ws)
            if ws is not None
            else {"split": [], "lesion_type": [], "source": []}
        )
        self._refill(self.split_box, [(v, v) for v in choices["split"]])
        self._refill(self.type_box, [(v.replace("_", " "), v) for v in choices["lesion_type"]])
        self._refill(self.source_box, [(name, sid) for sid, name in choices["source"]])
        count = ws.patch_store_count() if ws is not None else 0
        self.cache.set_store(ws.patch_store().view(count) if count else None)
        self.refresh()

    def _refill(self, box: QComboBox, items: list[tuple[str, Any]]) -> None:
        keep = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(_ANY, None)
        for text, value in items:
            box.addItem(text, value)
        box.setCurrentIndex(max(0, box.findData(keep)) if keep is not None else 0)
        box.blockSignals(False)

    def refresh(self) -> None:
        if self.ws is None:
            self.model.set_index(np.zeros((0, 2), np.int64))
        else:
            self.model.set_index(
                cq.patch_index(
                    self.ws,
                    label=self.label_box.currentData(),
                    split=self.split_box.currentData(),
                    source=self.source_box.currentData(),
                    lesion_type=self.type_box.currentData(),
                )
            )
        n = self.model.rowCount()
        self.count_label.setText(f"{n:,} patch{'es' if n != 1 else ''}")
        self.detail.show_patch(None, None)

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes or self.ws is None:
            return
        pid = indexes[0].data(ID_ROLE)
        record = cq.patch_record(self.ws, pid)
        pixels = self.ws.patch_store().read(record["store_index"]) if record else None
        self.detail.show_patch(record, pixels)
