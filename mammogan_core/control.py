"""A small, thread-safe control object that long operations poll between steps."""

from __future__ import annotations

import threading


class Stopped(Exception):
    """Raised by `Control.check()` when a stop was requested (caught by the operation)."""


class Control:
    """Stop / pause / checkpoint-now requests from another thread (GUI) or a signal (CLI).

    Operations call `check()` between units of work: it blocks while paused and raises `Stopped`
    once a stop is requested, so the operation can save what it has and return cleanly.
    """

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._checkpoint = threading.Event()

    # requests (any thread)
    def stop(self) -> None:
        self._stop.set()
        self._running.set()  # a paused operation must wake up to see the stop

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def request_checkpoint(self) -> None:
        self._checkpoint.set()

    # queries (the operation's thread)
    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def take_checkpoint_request(self) -> bool:
        """True once per `request_checkpoint()` call."""
        if self._checkpoint.is_set():
            self._checkpoint.clear()
            return True
        return False

    def wait_while_paused(self, poll_s: float = 0.1) -> None:
        while not self._running.wait(poll_s):
            pass

    def check(self) -> None:
        self.wait_while_paused()
        if self._stop.is_set():
            raise Stopped()
