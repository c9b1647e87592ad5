"""Terminal output for the CLI: a progress bar on stderr (only on a terminal) and messages."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from ..events import CheckpointSaved, Event, ItemError, Log, Progress, StepMetrics

SHOWN_METRICS = ("loss_d", "loss_g")  # beside the training progress bar


class TerminalReporter:
    """Prints events. The progress bar redraws at most 10 times a second and only on a tty,
    so logs of cluster jobs stay readable. Beside the bar: the Progress message, or else the
    latest losses. Checkpoint lines only with `debug` (training saves one every epoch)."""

    def __init__(
        self, stream: TextIO | None = None, quiet: bool = False, debug: bool = False
    ) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.debug = debug
        self._metrics = ""  # the latest losses, shown beside the bar
        self.tty = self.stream.isatty()
        self._last_draw = 0.0
        self._bar_shown = False
        self._started: tuple[float, int, int] | None = None  # (time, done, total) of this bar
        self.errors = 0

    def __call__(self, event: Event) -> None:
        if isinstance(event, Progress):
            self._progress(event)
        elif isinstance(event, ItemError):
            self.errors += 1
            self._line(f"error: {event.path}: {event.reason}")
        elif isinstance(event, Log):
            if not self.quiet or event.level != "info":
                prefix = "" if event.level == "info" else f"{event.level}: "
                self._line(prefix + event.message)
        elif isinstance(event, StepMetrics):
            shown = [k for k in SHOWN_METRICS if k in event.values]
            self._metrics = " ".join(f"{k}={event.values[k]:.4g}" for k in shown)
            if not self.tty and not self.quiet and event.step % 50 == 0:
                vals = " ".join(f"{k}={v:.4g}" for k, v in event.values.items())
                self._line(f"step {event.step} epoch {event.epoch} {vals}")
        elif isinstance(event, CheckpointSaved) and self.debug:
            self._line(f"checkpoint saved: {event.path}")

    def _line(self, text: str) -> None:
        if self._bar_shown:
            self.stream.write("\r\x1b[2K")
            self._bar_shown = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def _progress(self, p: Progress) -> None:
        if not self.tty or self.quiet:
            return
        now = time.monotonic()
        if self._started is None or p.total != self._started[2] or p.done < self._started[1]:
            self._started = (now, p.done, p.total)  # a new bar (next step of a pipeline)
        if now - self._last_draw < 0.1 and p.done != p.total:
            return
        self._last_draw = now
        rate = (p.done - self._started[1]) / max(now - self._started[0], 1e-9)
        speed = f" {rate:.3g}/s" if rate > 0 else ""
        if p.total > 0:
            frac = min(1.0, p.done / p.total)
            filled = int(frac * 30)
            eta = (
                f" ETA {_clock((p.total - p.done) / rate)}" if rate > 0 and p.done < p.total else ""
            )
            bar = f"[{'#' * filled}{'.' * (30 - filled)}] {p.done}/{p.total} {p.unit}{speed}{eta}"
        else:
            bar = f"{p.done} {p.unit}{speed}"
        self.stream.write(f"\r\x1b[2K{bar} {p.message or self._metrics}"[:200])
        self.stream.flush()
        self._bar_shown = True

    def finish(self) -> None:
        if self._bar_shown:
            self.stream.write("\n")
            self.stream.flush()
            self._bar_shown = False


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds + 0.5), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
