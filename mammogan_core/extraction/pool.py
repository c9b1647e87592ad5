"""Run image tasks in worker processes, a bounded number in flight, results in completion order.

'spawn' worker processes: safe from a GUI process with threads (fork would copy its locks), and
the same on every platform. At most 2 x workers images are in flight, so memory stays at a few
decoded images per worker; the pool is replaced every RECYCLE_EVERY images to bound any slow
growth (decoder plugins). Not with `max_tasks_per_child`: it can deadlock on Python 3.11 to
3.14 (CPython gh-115634).

A worker exits on its own when this process dies without shutting the pool down (SIGKILL, a
crash): otherwise it stays alive and idle, holding its memory, until the machine restarts.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from multiprocessing import get_context

from ..control import Control, Stopped
from ..errors import MammoganError
from .worker import ImageResult, ImageTask, failed_result, process_image

RECYCLE_EVERY = 1000  # images per pool
MAX_POOL_RESTARTS = 3  # in a row without one image done: the workers cannot start at all
_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4  # glibc mallopt parameters
KEEP_FREED_BYTES = 256 * 2**20


STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def init_worker() -> None:
    """Worker initialiser: leave stop signals to the parent, exit when the parent dies, keep
    freed memory. Ctrl-C in a terminal signals the whole process group: a worker that died of
    it would lose its image (and print a traceback) while the parent stops cleanly. The worker
    started with them blocked (`_stop_signals_held`); one sent meanwhile is dropped here."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    threading.Thread(target=_exit_with_parent, name="parent-watch", daemon=True).start()
    keep_freed_memory()


def _exit_with_parent() -> None:
    """Wait on the parent's sentinel (a spawned child's end of a pipe only the parent writes
    to, EOF when the parent dies; a process handle on Windows), then exit at once. Not
    prctl(PR_SET_PDEATHSIG): it fires when the parent *thread* that started the worker ends,
    which a GUI worker thread may do before the pool is done."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    parent.join()
    os._exit(1)


def keep_freed_memory() -> None:
    """Glibc hands each freed image buffer (tens of MB) back to the OS, and
    the next image page-faults it in again, which costs about as much as decoding an
    uncompressed mammogram. Keep up to 256 MB of freed heap for reuse instead (the pool is
    recycled every RECYCLE_EVERY images anyway). A no-op where libc is not glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(_M_MMAP_MAX, 0)
    libc.mallopt(_M_TRIM_THRESHOLD, KEEP_FREED_BYTES)


@contextmanager
def _stop_signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while a worker is spawned: it inherits the blocked mask and
    so cannot die of one before `init_worker` ignores them (multiprocessing's resource
    tracker starts the same way); this thread gets any held back afterwards."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


POLL_S = 0.2  # how often a stop / pause request is noticed while images decode


class TaskRunner:
    """`results(tasks)` yields one ImageResult per task that was run. After a stop request the
    images in flight are finished (and yielded), the rest are not started, and `stopped` is set.
    workers=0 runs in this process (debugging, tiny workspaces)."""

    def __init__(self, workers: int, control: Control) -> None:
        self.workers = max(0, int(workers))
        self.control = control
        self.stopped = False

    def _check(self) -> bool:
        """False once a stop was requested."""
        if not self.stopped:
            try:
                self.control.check()
            except Stopped:
                self.stopped = True
        return not self.stopped

    def results(self, tasks: Iterable[ImageTask]) -> Iterator[ImageResult]:
        if self.workers == 0:
            for task in tasks:
                if not self._check():
                    return
                yield process_image(task)
            return
        pending = iter(tasks)
        inflight: dict[Future[ImageResult], ImageTask] = {}
        pool = self._pool()
        restarts = submitted = 0
        try:
            while True:
                if self._check():
                    if submitted >= RECYCLE_EVERY and not inflight:
                        pool.shutdown(wait=True)
                        pool, submitted = self._pool(), 0
                    while submitted < RECYCLE_EVERY and len(inflight) < 2 * self.workers:
                        task = next(pending, None)
                        if task is None:
                            break
                        with _stop_signals_held():  # submit() spawns the workers
                            inflight[pool.submit(process_image, task)] = task
                        submitted += 1
                else:
                    for f in [f for f in inflight if f.cancel()]:
                        del inflight[f]
                if not inflight:
                    return
                done, _ = wait(inflight, timeout=POLL_S, return_when=FIRST_COMPLETED)
                broken = False
                for f in done:
                    task = inflight.pop(f)
                    try:
                        result = f.result()
                        restarts = 0
                        yield result
                    except BrokenProcessPool:
                        broken = True
                        if not self.control.stop_requested:
                            yield failed_result(
                                task,
                                "the worker process died (out of memory, or a "
                                "decoder crashed on this or a concurrent image)",
                            )
                if broken and self.control.stop_requested:
                    # a signal that reached a worker still starting up (before init_worker):
                    # its images were stopped, not failed; the next run does them
                    self.stopped = True
                    return
                if broken:  # every future of a broken pool fails: report them, start afresh
                    for f, task in list(inflight.items()):
                        del inflight[f]
                        yield failed_result(
                            task,
                            "the worker process died while this image was "
                            "in flight; run extract again to retry it",
                        )
                    pool.shutdown(wait=True, cancel_futures=True)
                    restarts, submitted = restarts + 1, 0
                    if restarts > MAX_POOL_RESTARTS:
                        raise MammoganError(
                            "the extraction worker processes keep dying before finishing any "
                            "image: out of memory, a decoder crashing on every file, or a "
                            "script that starts extraction without an "
                            "`if __name__ == '__main__':` guard"
                        )
                    pool = self._pool()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers,
            mp_context=get_context("spawn"),
            initializer=init_worker,
        )
