"""The reading time of one image: it runs only while the reader can see the image (not paused,
the window active), so a coffee break or another window does not count as reading."""

from __future__ import annotations

import time
from collections.abc import Callable


class ReadingClock:
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._seconds = 0.0
        self._since: float | None = None  # when it last started running
        self._paused = False  # by the reader
        self._hidden = False  # the window is not active

    def restart(self) -> None:
        """A new image is shown: count from zero."""
        self._seconds = 0.0
        self._since = None
        self._update()

    @property
    def seconds(self) -> float:
        running = 0.0 if self._since is None else self._now() - self._since
        return self._seconds + running

    @property
    def running(self) -> bool:
        return self._since is not None

    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        self._update()

    def set_hidden(self, hidden: bool) -> None:
        self._hidden = hidden
        self._update()

    def _update(self) -> None:
        run = not (self._paused or self._hidden)
        if run and self._since is None:
            self._since = self._now()
        elif not run and self._since is not None:
            self._seconds += self._now() - self._since
            self._since = None
