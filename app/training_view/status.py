"""Training status: step of total, epoch, images/s, ETA from the recent rate, device, GPU memory."""

from __future__ import annotations

import re
import sys
import time
from collections import deque

from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mammogan_core.events import CheckpointSaved, Event, Finished, Log, Progress, StepMetrics
from mammogan_core.training.results import TrainResult

RATE_WINDOW_S = 30.0  # the ETA follows the speed of the last half minute
_DEVICE_RE = re.compile(r"^training on (\S+)")
FIELDS = ("Run", "Step", "Epoch", "Images/s", "ETA", "Device", "GPU memory", "Checkpoint")
# "Run" first: it gets a row of its own


class RateWindow:
    """Steps per second over a recent window of (time, step) points."""

    def __init__(self, window_s: float = RATE_WINDOW_S) -> None:
        self.window_s = window_s
        self.points: deque[tuple[float, int]] = deque()

    def add(self, step: int, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self.points.append((now, step))
        while len(self.points) > 2 and now - self.points[0][0] > self.window_s:
            self.points.popleft()

    def rate(self) -> float | None:
        if len(self.points) < 2:
            return None
        (t0, s0), (t1, s1) = self.points[0], self.points[-1]
        return (s1 - s0) / (t1 - t0) if t1 > t0 and s1 > s0 else None

    def clear(self) -> None:
        self.points.clear()


def format_eta(seconds: float) -> str:
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600} h {s % 3600 // 60:02d} min"
    return f"{s // 60} min {s % 60:02d} s" if s >= 60 else f"{s} s"


def gpu_memory(device: str) -> str:
    """Peak CUDA memory, asked only of a torch that training has already imported."""
    torch = sys.modules.get("torch")
    if torch is None or not device.startswith("cuda") or not torch.cuda.is_initialized():
        return "–"
    return f"{torch.cuda.max_memory_allocated(device) / 2**30:.2f} GiB peak"


class TrainingStatus(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rate = RateWindow()
        self.device = ""
        self.total = self.epochs = 0
        self.bar = QProgressBar()
        self.bar.setFormat("%v / %m steps")
        self.values = {name: QLabel("–") for name in FIELDS}
        for label in self.values.values():  # long run names must not widen the window
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        grid = QGridLayout()
        grid.addWidget(QLabel("Run:"), 0, 0)  # its own row: run names are long
        grid.addWidget(self.values["Run"], 0, 1, 1, 7)
        for i, name in enumerate(FIELDS[1:]):
            row, col = divmod(i, 4)
            grid.addWidget(QLabel(f"{name}:"), row + 1, 2 * col)
            grid.addWidget(self.values[name], row + 1, 2 * col + 1)
            grid.setColumnStretch(2 * col + 1, 1)
        self.state = QLabel("Idle")
        self.state.setWordWrap(True)
        self.state.setObjectName("trainingState")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.state)
        lay.addWidget(self.bar)
        lay.addLayout(grid)

    def reset(self, run: str = "–", epochs: int = 0) -> None:
        self.rate.clear()
        self.device, self.total, self.epochs = "", 0, epochs
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        for label in self.values.values():
            label.setText("–")
        self.values["Run"].setText(run)

    def set_total(self, total: int, done: int = 0) -> None:
        """The run's length, known once it starts: a stop before the first progress event
        still reads "Step: 9 / 300", not "9 / 0"."""
        self.total = total
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, total))
        self.set_value("Step", f"{done:,} / {total:,}")

    def set_value(self, name: str, text: str) -> None:
        self.values[name].setText(text)
        self.values[name].setToolTip(text)

    def show_event(self, ev: Event) -> None:
        if isinstance(ev, Log) and (m := _DEVICE_RE.match(ev.message)):
            self.device = m.group(1)
            self.set_value("Device", self.device)
        elif isinstance(ev, Progress) and ev.total:
            self.set_total(ev.total, ev.done)
            self.rate.add(ev.done)
            rate = self.rate.rate()
            if rate:
                self.set_value("ETA", format_eta((ev.total - ev.done) / rate))
            self.set_value("GPU memory", gpu_memory(self.device))
        elif isinstance(ev, StepMetrics):
            of = f" / {self.epochs:,}" if self.epochs else ""
            self.set_value("Epoch", f"{ev.epoch + 1:,}{of}")
            self.set_value("Images/s", f"{ev.values.get('images_per_s', 0):,.1f}")
        elif isinstance(ev, CheckpointSaved):
            self.set_value("Checkpoint", f"step {ev.step:,}")
        elif isinstance(ev, Finished) and isinstance(r := ev.summary, TrainResult):
            self.set_total(max(self.total, r.steps), r.steps)  # a stop falls between two
            self.set_value("ETA", "–")  # progress events
            self.state.setText(
                f"{r.status.capitalize()} at step {r.steps:,} ({r.epochs:,} full epochs), "
                f"{r.images_per_s:,} images/s on {r.device}; checkpoint saved"
            )
