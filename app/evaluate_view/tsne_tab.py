"""The t-SNE tab: the run's saved map reopened at once, or a new one built in a worker (the core's
`build_tsne`) with progress and cancel, its points moving in the scatter as frames arrive."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.control import Control
from mammogan_core.errors import InputError
from mammogan_core.events import EmbeddingFrame, Event, Progress
from mammogan_core.metrics.tsne_map import TsneMap, load_tsne
from mammogan_core.metrics.tsne_options import TsneOptions
from mammogan_core.workspace import Workspace

from ..context import AppContext
from ..forms import SettingsForm
from ..tasks import show_progress
from ..workers import Task
from .tsne_scatter import TsneScatter

BUILDING = "map being built"  # the points' legend entry until the finished map says their kinds


class TsneTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._task: Task | None = None
        self._frames = 0
        self._built = False
        self._source: tuple[Workspace, str, str] | None = None
        self.scatter = TsneScatter()
        self.form = SettingsForm(TsneOptions)
        self.form.set_value(TsneOptions())
        self.build_button = QPushButton("Build t-SNE map")
        self.build_button.setToolTip(
            "Map the checkpoint's synthetic lesions with the workspace's real lesions and "
            "normal tissue (joint, or placed into a map of the real ones: Synthetic points)"
        )
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop building; the map saved before stays")
        self.progress = QProgressBar()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.build_button)
        buttons.addWidget(self.cancel_button)
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 6, 0)
        scroll = QScrollArea()
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        column.addWidget(scroll, 1)
        column.addLayout(buttons)
        column.addWidget(self.progress)
        column.addWidget(self.status)
        side.setMinimumWidth(220)
        split = QSplitter()
        split.addWidget(self.scatter)
        split.addWidget(side)
        split.setStretchFactor(0, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)
        self.build_button.clicked.connect(self.build)
        self.cancel_button.clicked.connect(self.cancel)
        self._set_busy(False)

    def show_run(self, ws: Workspace | None, run: str, checkpoint: str) -> None:
        """Reopen the run's newest saved map (no recomputation), or say there is none."""
        self._source = (ws, run, checkpoint) if ws is not None and run else None
        self._set_busy(self._task is not None)
        if self._task is not None:
            return
        if self._source is None:
            self.scatter.clear()
            return
        try:
            tsne_map = load_tsne(ws.runs_dir / run, ws)
        except InputError:
            self.scatter.clear()
            self.status.setText("No map of this run yet: Build t-SNE map makes one.")
            return
        self._show_map(tsne_map)

    def _show_map(self, tsne_map: TsneMap) -> None:
        self.scatter.set_map(
            tsne_map.coords,
            tsne_map.kind,
            tsne_map.lesion_type,
            tsne_map.patch_id,
            tsne_map.images,
            tsne_map.to_csv,
        )
        note = tsne_map.info.get("note")  # what a frozen placement cannot show
        self.status.setText(f"Map: {tsne_map.folder}" + (f". Note: {note}" if note else ""))

    def _set_busy(self, busy: bool) -> None:
        self.build_button.setEnabled(self._source is not None and not busy)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy)

    def build(self) -> None:
        options = self.form.value()
        if self._source is None or self._task is not None:
            return
        if options is None:
            self.status.setText(self.form.problem_text())
            return
        ws, run, checkpoint = self._source

        def work(control: Control) -> Iterator[Event]:
            from mammogan_core.metrics.tsne import build_tsne  # imports torch and openTSNE

            return ws.in_own_session(lambda own: build_tsne(own, run, checkpoint, options, control))

        self.status.setText(f"Building the map of {run} ({checkpoint})…")
        self.progress.setRange(0, 0)
        self._frames = 0
        self._built = False
        self._task = task = self.ctx.tasks.start("t-SNE map", work)
        task.event.connect(self._on_event)
        task.finished.connect(self._finished)
        task.failed.connect(lambda message, _tb: self.status.setText(f"No map: {message}"))
        task.ended.connect(self._ended)
        self._set_busy(True)

    def cancel(self) -> None:
        if self._task is not None:
            self._task.stop()
            self.status.setText("Stopping the map…")

    def _on_event(self, ev: Event) -> None:
        if isinstance(ev, EmbeddingFrame):
            if self._frames == 0 or len(ev.coords) != len(self.scatter.coords):
                n = len(ev.coords)
                blank = np.full(n, "", dtype=object)
                kinds = np.full(n, BUILDING, dtype=object)
                self.scatter.set_map(ev.coords, kinds, blank, np.full(n, -1), None)
            else:
                self.scatter.set_coords(ev.coords)
            self._frames += 1
        elif isinstance(ev, Progress):
            show_progress(self.progress, ev, message=True)

    def _finished(self, result: object) -> None:
        """`result`: a TsneResult, or {"stopped": True}."""
        path = getattr(result, "path", None)
        if not path or self._source is None:
            self.status.setText("Map stopped: the map saved before (if any) is unchanged.")
            return
        self._built = True
        self._show_map(load_tsne(path, self._source[0]))
        seconds = getattr(result, "full_map_s", None)
        if seconds is not None:
            self.status.setText(f"{self.status.text()} ({seconds:.1f} s, {self._frames} frames)")

    def _ended(self) -> None:
        self._task = None
        self._set_busy(False)
        if not self._built and self._source is not None:  # back to the saved map, if any
            status = self.status.text()
            self.show_run(*self._source)
            self.status.setText(status)
