"""Real and synthetic patches side by side: the same count of each, drawn at the same intensity
scale (grey levels as stored, no per-grid stretch, so a darker or flatter generator shows as
such), reshuffled on demand. The patches are drawn in a worker (torch loads there)."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

import numpy as np
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.control import Control
from mammogan_core.errors import InputError
from mammogan_core.events import Event, SampleGrid
from mammogan_core.export.preview import tile
from mammogan_core.workspace import Workspace

from ..context import AppContext
from ..training_view.images import ImageLabel
from ..workers import Task

DEFAULT_COUNT = 16
SEED_MAX = 999_999


def draw_samples(
    ws: Workspace, run: str, checkpoint: str, count: int, seed: int, control: Control
) -> Iterator[Event]:
    """SampleGrid 'real' (a seeded draw of the run's training patches), then 'fake' (as many of
    the checkpoint's samples); both tiled alike."""
    from mammogan_core.metrics.samples import sample_patches
    from mammogan_core.training.data import describe_selection, select_patch_ids
    from mammogan_core.training.devices import resolve_device
    from mammogan_core.training.generate import generator_from_run
    from mammogan_core.training.runs import stored_train_config

    config = stored_train_config(ws, run)
    ids = select_patch_ids(ws, config)
    if not ids:
        raise InputError(f"the run's training patches are gone ({describe_selection(config)})")
    n = min(count, len(ids))
    cols = math.ceil(math.sqrt(n))
    pick = np.sort(np.random.default_rng(seed).choice(len(ids), n, replace=False))
    yield SampleGrid(0, tile(ws.patch_pixels([ids[i] for i in pick]), cols), "real")
    g, source = generator_from_run(ws, run, checkpoint)
    device = resolve_device("auto")
    fake = sample_patches(g.to(device), n, seed, device, control)
    yield SampleGrid(int(source["step"]), tile(fake, cols), "fake")


class SampleComparison(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._task: Task | None = None
        self._again = False
        self._source: tuple[Workspace, str, str] | None = None
        self.seed = 0
        self.real = ImageLabel("Real training patches appear here", 160)
        self.fake = ImageLabel("Synthetic patches appear here", 160)
        self.real_caption = QLabel("<b>Real</b> training patches")
        self.fake_caption = QLabel("<b>Synthetic</b>")
        self.count = QSpinBox()
        self.count.setRange(1, 64)
        self.count.setValue(DEFAULT_COUNT)
        self.count.setToolTip("Patches in each grid (real ones: at most as many as the run has)")
        self.reshuffle_button = QPushButton("Reshuffle")
        self.reshuffle_button.setToolTip("Draw other real patches and other synthetic ones")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Patches per grid:"))
        row.addWidget(self.count)
        row.addWidget(self.reshuffle_button)
        row.addStretch(1)
        grids = QGridLayout()
        for col, (caption, image) in enumerate(
            ((self.real_caption, self.real), (self.fake_caption, self.fake))
        ):
            grids.addWidget(caption, 0, col)
            grids.addWidget(image, 1, col)
            grids.setColumnStretch(col, 1)
        grids.setRowStretch(1, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addLayout(grids, 1)
        lay.addWidget(self.status)
        note = "Both grids show grey levels as stored: the same intensity scale, no stretch."
        self.setToolTip(note)
        self.reshuffle_button.clicked.connect(self.reshuffle)
        self.count.editingFinished.connect(self._draw)

    def show_run(self, ws: Workspace | None, run: str, checkpoint: str) -> None:
        source = (ws, run, checkpoint) if ws is not None and run and checkpoint else None
        if source is not None and source == self._source:
            return  # already shown (the workspace refreshed, the choice did not change)
        self._source = source
        if self._source is None:
            self.real.set_pixels(None)
            self.fake.set_pixels(None)
            return
        self._draw()

    def reshuffle(self) -> None:
        self.seed = random.randint(0, SEED_MAX)
        self._draw()

    def _draw(self) -> None:
        if self._source is None:
            return
        if self._task is not None:  # one at a time: the latest request when it ends
            self._again = True
            return
        ws, run, checkpoint = self._source
        count, seed = self.count.value(), self.seed

        def work(control: Control) -> Iterator[Event]:
            return ws.in_own_session(
                lambda own: draw_samples(own, run, checkpoint, count, seed, control)
            )

        self.status.setText("Drawing patches…")
        self._task = task = self.ctx.tasks.start("Evaluate: sample grids", work)
        task.event.connect(self._on_event)
        task.failed.connect(lambda message, _tb: self.status.setText(f"No samples: {message}"))
        task.ended.connect(self._ended)

    def _on_event(self, ev: Event) -> None:
        if not isinstance(ev, SampleGrid):
            return
        if ev.kind == "real":
            self.real.set_pixels(ev.image)
        else:
            self.fake.set_pixels(ev.image)
            self.fake_caption.setText(f"<b>Synthetic</b>, step {ev.step:,} (seed {self.seed})")
            self.status.setText("")

    def _ended(self) -> None:
        self._task = None
        if self._again:
            self._again = False
            self._draw()
