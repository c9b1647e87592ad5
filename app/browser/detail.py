"""One patch shown large with its metadata and a way back to its source mammogram."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

_SIDE = 256
_FIELDS = ("id", "label", "lesion type", "source image", "box", "split", "params")


class PatchDetail(QWidget):
    open_requested = Signal(int, tuple)  # image id, (x0, y0, x1, y1)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._record: dict[str, Any] | None = None
        self.image = QLabel("Click a patch to see it here")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setFixedSize(_SIDE, _SIDE)
        self.image.setObjectName("patchDetailImage")
        self.values = {name: QLabel("–") for name in _FIELDS}
        form = QFormLayout()
        for name, label in self.values.items():
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(name.capitalize() + ":", label)
        self.open_button = QPushButton("Open in mammogram")
        self.open_button.setToolTip("Show the source mammogram, zoomed on this patch")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open)
        lay = QVBoxLayout(self)
        lay.addWidget(self.image, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addLayout(form)
        lay.addWidget(self.open_button)
        lay.addStretch(1)
        self.setMinimumWidth(_SIDE + 24)

    def show_patch(self, record: dict[str, Any] | None, pixels: np.ndarray | None) -> None:
        self._record = record
        if record is None or pixels is None:
            self.image.setText("Click a patch to see it here")
            for label in self.values.values():
                label.setText("–")
            self.open_button.setEnabled(False)
            return
        arr = np.ascontiguousarray(pixels, np.uint8)
        img = QImage(
            arr.data, arr.shape[1], arr.shape[0], arr.shape[1], QImage.Format.Format_Grayscale8
        )
        dpr = self.devicePixelRatioF()
        px = round(_SIDE * dpr)
        pm = QPixmap.fromImage(
            img.scaled(px, px, Qt.AspectRatioMode.KeepAspectRatio)
        )  # nearest: show real pixels
        pm.setDevicePixelRatio(dpr)
        self.image.setPixmap(pm)
        box = [record.get(k) for k in ("x0", "y0", "x1", "y1")]
        has_box = record.get("image_id") is not None and None not in box
        image = record.get("image_key") or "–"
        if record.get("laterality") or record.get("view"):
            image += f" ({record.get('laterality') or '?'} {record.get('view') or '?'})"
        lesion_type = record.get("lesion_type") or "–"
        if record.get("label_raw"):
            lesion_type += f" (dataset label {record['label_raw']})"
        texts = {
            "id": str(record["id"]),
            "label": record.get("label") or "–",
            "lesion type": lesion_type,
            "source image": image,
            "box": f"x {box[0]}–{box[2]}, y {box[1]}–{box[3]}" if has_box else "–",
            "split": record.get("split") or "–",
            "params": json.dumps(record.get("params") or {}, sort_keys=True) or "–",
        }
        for name, text in texts.items():
            self.values[name].setText(text)
        self.open_button.setEnabled(has_box)

    def _open(self) -> None:
        r = self._record
        if r is not None:
            self.open_requested.emit(int(r["image_id"]), (r["x0"], r["y0"], r["x1"], r["y1"]))
