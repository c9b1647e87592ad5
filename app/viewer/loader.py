"""Decode mammograms off the GUI thread; only the latest request is delivered.

Loads use the app's worker layer (`Task`) directly, not the task manager: a click in the image
list is not "work" the user should see in the status bar or the log, and it must not take the
status-bar indicator away from a running extraction.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QObject, Signal, Slot

from mammogan_core.control import Control
from mammogan_core.events import Event, Finished

from ..workers import Task
from .presets import window_presets

_ALIVE: set[Task] = set()  # running loads outlive the viewer: a QThread must end, not be freed


def load_mammogram(
    path: str, control: Control, mask_threshold: float | None = None
) -> Iterator[Event]:
    """Pixels (modality values, MONOCHROME2), header, breast mask (as extraction computes it:
    `mask_threshold` as in `breast_mask`) and window presets."""
    from mammogan_core.io import read_image
    from mammogan_core.preprocess.breast_mask import breast_mask

    control.check()
    image = read_image(path, voi="none")
    control.check()
    pixels = image.pixels
    header = image.header
    yield Finished(
        {
            "pixels": pixels,
            "header": header,
            "mask": breast_mask(pixels, mask_threshold),
            "presets": window_presets(pixels, header.window_center, header.window_width),
        }
    )


class ImageLoader(QObject):
    loaded = Signal(int, dict)  # image id, load_mammogram's summary
    failed = Signal(int, str)  # image id, message

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._current: Task | None = None

    def load(self, image_id: int, path: str, mask_threshold: float | None = None) -> None:
        for old in _ALIVE:
            old.stop()
        task = Task(
            f"load image {image_id}",
            lambda control: load_mammogram(path, control, mask_threshold),
        )
        task.setProperty("image_id", image_id)
        task.finished.connect(self._on_finished)
        task.failed.connect(self._on_failed)
        task.ended.connect(lambda t=task: _ALIVE.discard(t))
        _ALIVE.add(task)
        # Only the latest request is shown: an earlier load of the same image that finishes
        # after it was superseded would otherwise show again and undo the focus on a patch.
        self._current = task
        task.start()

    @property
    def busy(self) -> bool:
        return any(t.running for t in _ALIVE)

    @Slot(dict)
    def _on_finished(self, summary: dict) -> None:
        task = self.sender()
        if task is self._current and not summary.get("stopped"):
            self.loaded.emit(task.property("image_id"), summary)

    @Slot(str, str)
    def _on_failed(self, message: str, _tb: str) -> None:
        task = self.sender()
        if task is self._current:
            self.failed.emit(task.property("image_id"), message)
