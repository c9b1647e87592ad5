"""The t-SNE map as an interactive scatter: points coloured by kind (real lesion, synthetic
lesion, normal tissue) or by lesion type with a legend; the patch under the mouse beside the
plot; box or lasso selection shows the selected patches in a grid; PNG and CSV export.

It takes plain arrays (coordinates, kinds, lesion types, patch ids) and a callable that returns
the pixels of given points, so any map (a saved one, or frames of one being built) can be shown.
One ScatterPlotItem per colour: a single brush per item keeps 150,000 points fast to draw.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.export.preview import tile
from mammogan_core.palette import KIND_COLOURS, cycle_colour
from mammogan_core.workspace import PATCH_SIZE

from ..training_view.images import ImageLabel
from .selection_box import TOOLS, SelectingViewBox, inside_polygon

NAMES = {
    "real_lesion": "Real lesion",
    "synthetic_lesion": "Synthetic lesion",
    "normal": "Normal tissue",
}
KINDS = {kind: (NAMES[kind], KIND_COLOURS[kind]) for kind in NAMES}  # kind -> legend, colour


def layer(name: str) -> int:
    """A legend entry's drawing order, as in the saved PNG: normal tissue at the bottom, then
    synthetic lesions, real lesions on top (so none is hidden under synthetic ones)."""
    if name == NAMES["normal"]:
        return 0
    return 1 if name == NAMES["synthetic_lesion"] or name.endswith(" (synthetic)") else 2


HOVER_PX = 8  # a point this close to the mouse (in screen pixels) is the one under it
SHOWN_SELECTED = 64  # patches of a selection drawn in the grid
GRID_COLS = 8

ImagesOf = Callable[[np.ndarray], np.ndarray]  # indices -> k x 128 x 128 float32 in [0, 1]


def to_uint8(images: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(np.asarray(images, np.float32) * 255), 0, 255).astype(np.uint8)


def categories(kind: np.ndarray, lesion_type: np.ndarray, by: str) -> np.ndarray:
    """The legend entry of every point: its kind, or its lesion type (synthetic ones apart, and
    normal tissue as such)."""
    names = np.array([KINDS.get(k, (k, ""))[0] for k in kind], dtype=object)
    if by == "kind":
        return names
    typed = np.array([t or "" for t in lesion_type], dtype=object)
    synthetic = kind == "synthetic_lesion"
    out = np.where(typed != "", typed, names)
    out[synthetic & (typed != "")] = typed[synthetic & (typed != "")] + " (synthetic)"
    return out


class TsneScatter(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.coords = np.zeros((0, 2), np.float32)
        self.kind = np.zeros(0, dtype=object)
        self.lesion_type = np.zeros(0, dtype=object)
        self.patch_id = np.zeros(0, np.int64)
        self._images: ImagesOf | None = None
        self._to_csv: Callable[[str], None] | None = None
        self.items: dict[str, tuple[pg.ScatterPlotItem, np.ndarray]] = {}  # name -> item, rows
        self.hovered: int | None = None
        self.selected = np.zeros(0, np.int64)

        self.view = SelectingViewBox()
        self.plot = pg.PlotWidget(background="w", viewBox=self.view)
        self.plot.setAspectLocked(True)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.legend = self.plot.addLegend(offset=(8, 8), labelTextColor="#222")
        self.legend.setBrush(pg.mkBrush(255, 255, 255, 200))
        self.colour_by = QComboBox()
        self.colour_by.addItems(["kind", "lesion type"])
        self.colour_by.setToolTip("Colour the points by real/synthetic/normal, or by lesion type")
        self.tools = QButtonGroup(self)
        tool_row = QHBoxLayout()
        tool_row.addWidget(QLabel("Colour by:"))
        tool_row.addWidget(self.colour_by)
        tool_row.addSpacing(12)
        tips = {
            "pan": "Drag to pan, wheel to zoom",
            "box": "Drag a box to select the points in it",
            "lasso": "Draw around the points to select them",
        }
        for tool in TOOLS:
            button = QPushButton(tool.capitalize())
            button.setCheckable(True)
            button.setToolTip(tips[tool])
            button.setChecked(tool == "pan")
            self.tools.addButton(button)
            button.toggled.connect(lambda on, t=tool: on and self.set_tool(t))
            tool_row.addWidget(button)
        tool_row.addStretch(1)
        # the exports go on the info line below: one row of tools fits a narrow window
        self.png_button = QPushButton("Export PNG…")
        self.png_button.setToolTip("Save the map as shown, with its legend")
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.setToolTip("Save every point: coordinates, kind, lesion type, patch id")
        self.info = QLabel("No map yet")
        self.info.setWordWrap(True)

        self.hover_image = ImageLabel("Hover over a point to see its patch", min_side=PATCH_SIZE)
        self.hover_caption = QLabel("")
        self.hover_caption.setWordWrap(True)
        self.selection_grid = ImageLabel(
            "Select points (Box or Lasso) to see their patches", min_side=PATCH_SIZE
        )
        self.selection_caption = QLabel("")
        self.selection_caption.setWordWrap(True)
        side = QWidget()
        side.setMinimumWidth(200)
        side_lay = QVBoxLayout(side)
        side_lay.setContentsMargins(0, 0, 0, 0)
        side_lay.addWidget(QLabel("<b>Under the mouse</b>"))
        side_lay.addWidget(self.hover_image, 1)
        side_lay.addWidget(self.hover_caption)
        side_lay.addWidget(QLabel("<b>Selected</b>"))
        side_lay.addWidget(self.selection_grid, 2)
        side_lay.addWidget(self.selection_caption)
        split = QSplitter()
        split.addWidget(self.plot)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(tool_row)
        lay.addWidget(split, 1)
        info_row = QHBoxLayout()
        info_row.addWidget(self.info, 1)
        info_row.addWidget(self.png_button)
        info_row.addWidget(self.csv_button)
        lay.addLayout(info_row)

        self.colour_by.currentTextChanged.connect(lambda _t: self._draw())
        self.view.selected.connect(self.select_outline)
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.png_button.clicked.connect(lambda: self.export_png())
        self.csv_button.clicked.connect(lambda: self.export_csv())
        self._set_exportable()

    # ---------------------------------------------------------------- data
    def set_map(
        self,
        coords: np.ndarray,
        kind: np.ndarray,
        lesion_type: np.ndarray,
        patch_id: np.ndarray,
        images: ImagesOf | None,
        to_csv: Callable[[str], None] | None = None,
    ) -> None:
        """A map to show (coordinates may hold NaN rows: points not placed yet); without
        `images`, hovering and selecting show no patches (a map still being built)."""
        self.coords = np.asarray(coords, np.float32)
        self.kind = np.asarray(kind, dtype=object)
        self.lesion_type = np.asarray(lesion_type, dtype=object)
        self.patch_id = np.asarray(patch_id, np.int64)
        self._images, self._to_csv = images, to_csv
        self.hovered = None
        self._show_selection(np.zeros(0, np.int64))
        self._draw()
        self.view.enableAutoRange()
        self._set_exportable()

    def set_coords(self, coords: np.ndarray) -> None:
        """New positions of the same points (a frame of a map being optimised)."""
        self.coords = np.asarray(coords, np.float32)
        for item, rows in self.items.values():
            xy = self.coords[rows]
            placed = np.isfinite(xy).all(axis=1)
            item.setData(x=xy[placed, 0], y=xy[placed, 1], data=rows[placed])
        self._count()

    def clear(self) -> None:
        self.set_map(np.zeros((0, 2)), np.zeros(0), np.zeros(0), np.zeros(0), None)
        self.info.setText("No map yet")

    def set_tool(self, tool: str) -> None:
        self.view.tool = tool
        for button in self.tools.buttons():
            button.setChecked(button.text().lower() == tool)

    # ---------------------------------------------------------------- drawing
    def _draw(self) -> None:
        for item, _rows in self.items.values():
            self.plot.removeItem(item)
        self.legend.clear()
        self.items.clear()
        by = "kind" if self.colour_by.currentText() == "kind" else "type"
        cats = categories(self.kind, self.lesion_type, by)
        kind_colour = {name: colour for name, colour in KINDS.values()}
        names = [n for n, _c in KINDS.values() if n in set(cats)] if by == "kind" else []
        names += sorted(set(cats) - set(names))
        for i, name in enumerate(names):
            colour = kind_colour.get(name) or cycle_colour(i)
            rows = np.flatnonzero(cats == name)
            item = pg.ScatterPlotItem(
                size=5 if name != KINDS["normal"][0] else 4,
                pen=None,
                brush=pg.mkBrush(colour),
                name=f"{name} ({len(rows):,})",
            )
            item.setZValue(layer(name))
            self.plot.addItem(item)
            self.items[name] = (item, rows)
        self.set_coords(self.coords)

    def _count(self) -> None:
        placed = int(np.isfinite(self.coords).all(axis=1).sum()) if len(self.coords) else 0
        if len(self.coords):
            waiting = len(self.coords) - placed
            self.info.setText(
                f"{placed:,} points" + (f", {waiting:,} not placed yet" if waiting else "")
            )

    # ---------------------------------------------------------------- hover
    def _on_mouse_moved(self, pos: QPointF) -> None:
        if not len(self.coords) or not self.view.sceneBoundingRect().contains(pos):
            return
        here = self.view.mapSceneToView(pos)
        self.hover_at(here.x(), here.y())

    def hover_at(self, x: float, y: float) -> None:
        """Show the point nearest (x, y) in data coordinates, when it is within HOVER_PX."""
        px, py = self.view.viewPixelSize()
        d = ((self.coords[:, 0] - x) / px) ** 2 + ((self.coords[:, 1] - y) / py) ** 2
        d = np.where(np.isfinite(d), d, np.inf)
        i = int(np.argmin(d))
        if d[i] > HOVER_PX**2 or i == self.hovered or self._images is None:
            return
        self.hovered = i
        self.hover_image.set_pixels(to_uint8(self._images(np.array([i]))[0]))
        kind = KINDS.get(self.kind[i], (self.kind[i],))[0]
        what = f", {self.lesion_type[i]}" if self.lesion_type[i] else ""
        source = f", patch {self.patch_id[i]}" if self.patch_id[i] >= 0 else ""
        self.hover_caption.setText(f"{kind}{what}{source}")

    # ---------------------------------------------------------------- selection
    def select_outline(self, outline: np.ndarray) -> None:
        self._show_selection(np.flatnonzero(inside_polygon(self.coords, outline)))

    def _show_selection(self, rows: np.ndarray) -> None:
        self.selected = rows
        if not len(rows) or self._images is None:
            self.selection_grid.set_pixels(None)
            self.selection_caption.setText("")
            return
        shown = rows[:SHOWN_SELECTED]
        self.selection_grid.set_pixels(tile(to_uint8(self._images(shown)), GRID_COLS))
        counts = {KINDS[k][0]: int((self.kind[rows] == k).sum()) for k in KINDS}
        parts = ", ".join(f"{n:,} {name.lower()}" for name, n in counts.items() if n)
        more = f" (the first {len(shown)} shown)" if len(rows) > len(shown) else ""
        self.selection_caption.setText(f"{len(rows):,} selected: {parts}{more}")

    # ---------------------------------------------------------------- export
    def _set_exportable(self) -> None:
        self.png_button.setEnabled(len(self.coords) > 0)
        self.csv_button.setEnabled(self._to_csv is not None)

    def export_png(self, path: str | None = None) -> None:
        path = path or QFileDialog.getSaveFileName(self, "Export map", "tsne.png", "PNG (*.png)")[0]
        if path:
            self.plot.grab().save(path, "PNG")

    def export_csv(self, path: str | None = None) -> None:
        if self._to_csv is None:
            return
        path = (
            path or QFileDialog.getSaveFileName(self, "Export points", "tsne.csv", "CSV (*.csv)")[0]
        )
        if path:
            self._to_csv(path)
