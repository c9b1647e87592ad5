"""The viewer page: a filtered image list, overlay toggles and the canvas."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mammogan_core import catalogue_queries as cq
from mammogan_core.extraction.catalogue_io import stored_params

from .canvas import MammogramCanvas
from .loader import ImageLoader
from .overlays import LAYERS

if TYPE_CHECKING:
    from mammogan_core.workspace import Workspace

_LAYER_TITLES = {"findings": "Findings", "patches": "Patch boxes", "mask": "Breast mask"}
_ID = Qt.ItemDataRole.UserRole
_HAS_FINDINGS = Qt.ItemDataRole.UserRole + 1
LIST_WIDTH = 300  # px: a demo or mini-MIAS name with its view and findings, whole


class MammogramViewer(QWidget):
    image_shown = Signal(int)  # image id, once its pixels and overlays are on screen

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws: Workspace | None = None
        self.image_id: int | None = None
        self._focus: tuple | None = None
        self._record: dict[str, Any] = {}
        self.canvas = MammogramCanvas()
        self.loader = ImageLoader(self)
        self.laterality_box = QComboBox()
        self.view_box = QComboBox()
        self.findings_box = QComboBox()
        for text, value in (("Any", None), ("With findings", True), ("Without findings", False)):
            self.findings_box.addItem(text, value)
        self.image_list = QListWidget()
        self.image_list.setUniformItemSizes(True)
        # image keys are long by nature (CBIS-DDSM's run past 30 characters): cut in the middle,
        # whole in the tooltip, and never a sideways scroll bar
        self.image_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.image_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_count = QLabel()
        self.status = QLabel("Choose an image on the left")
        self.status.setObjectName("viewerStatus")
        self.layer_boxes = {name: QCheckBox(_LAYER_TITLES[name]) for name in LAYERS}

        filters = QFormLayout()
        filters.addRow("Laterality:", self.laterality_box)
        filters.addRow("View:", self.view_box)
        filters.addRow("Findings:", self.findings_box)
        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        left_lay.addLayout(filters)
        left_lay.addWidget(self.image_list, 1)
        left_lay.addWidget(self.list_count)
        toggles = QHBoxLayout()
        for layer, box in self.layer_boxes.items():
            box.setChecked(self.canvas.overlays.visible[layer])
            toggles.addWidget(box)
        toggles.addStretch(1)
        toggles.addWidget(self.status)
        right = QWidget()
        right_lay = QVBoxLayout(right)
        right_lay.setContentsMargins(0, 0, 0, 0)
        right_lay.addLayout(toggles)
        right_lay.addWidget(self.canvas, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([LIST_WIDTH, 900])
        self.split = split
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)

        for combo in (self.laterality_box, self.view_box, self.findings_box):
            combo.currentIndexChanged.connect(self.refresh_list)
        for name, box in self.layer_boxes.items():
            box.toggled.connect(lambda on, n=name: self.canvas.overlays.set_visible(n, on))
        self.image_list.currentItemChanged.connect(self._on_current)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)

    # ---------------------------------------------------------------- workspace and list
    def set_workspace(self, ws: Workspace | None) -> None:
        self.ws = ws
        choices = cq.image_choices(ws) if ws is not None else {"laterality": [], "view": []}
        for combo, values in (
            (self.laterality_box, choices["laterality"]),
            (self.view_box, choices["view"]),
        ):
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("Any", None)
            for v in values:
                combo.addItem(v, v)
            combo.setCurrentIndex(max(0, combo.findData(keep)) if keep is not None else 0)
            combo.blockSignals(False)
        if ws is None:
            self.image_id = None
            self.canvas.clear_image()
        self.refresh_list()
        if self.image_id is None and self.image_list.count():
            # open on something worth seeing: the first image with findings
            rows = range(self.image_list.count())
            first = next((i for i in rows if self.image_list.item(i).data(_HAS_FINDINGS)), 0)
            self.image_list.setCurrentRow(first)

    def refresh_list(self) -> None:
        rows: list[dict[str, Any]] = []
        if self.ws is not None:
            rows = cq.list_images(
                self.ws,
                laterality=self.laterality_box.currentData(),
                view=self.view_box.currentData(),
                has_findings=self.findings_box.currentData(),
            )
        self.image_list.blockSignals(True)
        self.image_list.clear()
        for r in rows:
            name = PurePosixPath(r["image_key"]).stem  # keys may be relative paths
            text = f"{name}  {r['laterality'] or '?'} {r['view'] or '?'}"
            if r["n_findings"]:
                text += f"  · {r['n_findings']} finding{'s' if r['n_findings'] > 1 else ''}"
            if r["normal_excluded"]:
                text += "  · finding without location"
            item = QListWidgetItem(text)
            item.setData(_ID, r["id"])
            item.setData(_HAS_FINDINGS, bool(r["n_findings"]))
            item.setToolTip("\n".join(filter(None, (text, r["path"], r["normal_excluded"]))))
            self.image_list.addItem(item)
        self._select_in_list(self.image_id)
        self.image_list.blockSignals(False)
        self.list_count.setText(f"{len(rows):,} image{'s' if len(rows) != 1 else ''}")

    def _select_in_list(self, image_id: int | None) -> None:
        for i in range(self.image_list.count()):
            if self.image_list.item(i).data(_ID) == image_id:
                self.image_list.setCurrentRow(i)
                return

    def _on_current(self, item: QListWidgetItem | None, _previous: Any) -> None:
        if item is not None:
            self.show_image(item.data(_ID))

    # ---------------------------------------------------------------- showing an image
    def show_image(self, image_id: int, focus_box: tuple | None = None) -> None:
        """Load an image off the GUI thread; once shown, centre and zoom on `focus_box`."""
        self._focus = focus_box
        if image_id == self.image_id and self.canvas.pixels is not None and not self.loader.busy:
            self._apply_focus()
            return
        rec = cq.image_record(self.ws, image_id) if self.ws is not None else None
        if rec is None:
            self.status.setText(f"Image {image_id} is not in the catalogue")
            return
        self.image_id = image_id
        self.image_list.blockSignals(True)
        self._select_in_list(image_id)
        self.image_list.blockSignals(False)
        self.status.setText(f"Loading {rec['image_key']}…")
        self._record = rec
        # the overlay shows the mask the workspace's extraction used
        threshold = stored_params(self.ws).breast_threshold
        self.loader.load(image_id, rec["full_path"], threshold)

    def _on_loaded(self, image_id: int, result: dict) -> None:
        if self.ws is None or image_id != self.image_id:
            return  # the workspace closed, or another image was asked for, while this loaded
        rec, header = self._record, result["header"]
        self.canvas.set_image(
            result["pixels"],
            result["presets"],
            rec["laterality"] or header.laterality,
            rec["view"] or header.view,
            rec["image_key"],
        )
        self.canvas.overlays.set_overlays(cq.image_overlays(self.ws, image_id), result["mask"])
        excluded = rec["normal_excluded"]
        self.status.setText(
            f"{rec['image_key']}  · {excluded}: no normal patches" if excluded else rec["image_key"]
        )
        self._apply_focus()
        self.image_shown.emit(image_id)

    def _on_failed(self, image_id: int, message: str) -> None:
        self.canvas.clear_image()
        self.status.setText(f"Cannot show image {image_id}: {message}")

    def _apply_focus(self) -> None:
        if self._focus is not None:
            self.canvas.focus_box(self._focus)
            self._focus = None
