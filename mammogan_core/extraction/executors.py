"""Where the per-image work runs: this machine's process pool ("local") or a Dask cluster ("dask").

Either way this process stays the one writer of the workspace: the executor yields each image's
patches and the pipeline commits them, so resume, progress, stop and the summary are the same.

With Dask the workers read the images by path (a file system they share with this machine,
read-only to them) and send back only the small patch arrays. At most 2 tasks per worker thread
are in flight, so the writer holds a few images' patches at a time however large the archive.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from typing import Any, Protocol

from ..control import Control, Stopped
from ..errors import InputError
from .params import EXECUTORS
from .pool import POLL_S, TaskRunner, keep_freed_memory
from .worker import ImageResult, ImageTask, failed_result, process_image

INSTALL_HINT = 'pip install "mammogan[cluster]"'
TASKS_PER_THREAD = 2  # in flight: one running, one queued, so no worker waits for the writer
CAP_REFRESH_S = 1.0  # how often the cluster's size is asked again (workers join and leave)


class Runner(Protocol):
    stopped: bool

    def results(self, tasks: Iterable[ImageTask]) -> Iterator[ImageResult]: ...


def make_runner(
    executor: str, workers: int, scheduler: str | None, control: Control
) -> tuple[Runner, str]:
    """The runner of `executor`, and the words that say where the images are processed."""
    if executor == "local":
        if scheduler:
            raise InputError("--scheduler needs --executor dask")
        if not workers:
            return TaskRunner(0, control), "in this process"
        return TaskRunner(workers, control), f"with {workers} worker process{'es' * (workers != 1)}"
    if executor != "dask":
        raise InputError(f"--executor must be one of {', '.join(EXECUTORS)}, not {executor!r}")
    require_dask()
    if scheduler:
        return DaskRunner(control, scheduler=scheduler), f"on the Dask cluster at {scheduler}"
    if not workers:
        raise InputError("--executor dask needs at least one worker (--workers 1 or more)")
    where = f"on a local Dask cluster of {workers} worker process{'es' * (workers != 1)}"
    return DaskRunner(control, local_workers=workers), where


def require_dask() -> None:
    """Exit 2 with the install command when the cluster extra is missing."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise InputError(
            f"--executor dask needs Dask's distributed scheduler: {INSTALL_HINT}"
        ) from None


class DaskRunner:
    """`results(tasks)` yields one ImageResult per task run, in completion order. After a stop
    request the tasks in flight are cancelled (their images stay for the next run) and `stopped`
    is set. Not `distributed.as_completed`: its iterator blocks until a task finishes, and a stop
    must be noticed while none does (a cluster whose workers are still queued by Slurm)."""

    def __init__(
        self, control: Control, scheduler: str | None = None, local_workers: int = 1
    ) -> None:
        self.control = control
        self.scheduler = scheduler
        self.local_workers = local_workers
        self.stopped = False

    def _check(self) -> bool:
        if not self.stopped:
            try:
                self.control.check()
            except Stopped:
                self.stopped = True
        return not self.stopped

    def _client(self, stack: ExitStack) -> Any:
        from distributed import Client

        if self.scheduler:
            client = stack.enter_context(Client(self.scheduler))
        else:
            client = stack.enter_context(Client(self._local_cluster(stack)))
        client.run(keep_freed_memory)  # as the local pool's workers (those started by now)
        return client

    def _local_cluster(self, stack: ExitStack) -> Any:
        from distributed import LocalCluster

        return stack.enter_context(
            LocalCluster(
                n_workers=self.local_workers,
                threads_per_worker=1,  # decoding holds the GIL: one image per process
                processes=True,
                dashboard_address=None,
                # its workers' chatter at shutdown (a heartbeat to the closed scheduler); a
                # failed task comes back as the image's error all the same
                silence_logs=logging.CRITICAL,
            )
        )

    def results(self, tasks: Iterable[ImageTask]) -> Iterator[ImageResult]:
        from distributed import wait

        pending = iter(tasks)
        inflight: dict[Any, ImageTask] = {}
        with ExitStack() as stack:
            client = self._client(stack)
            cap, cap_at = 0, 0.0
            try:
                while True:
                    if self._check():
                        if time.monotonic() - cap_at > CAP_REFRESH_S:
                            threads = sum(client.nthreads().values())
                            cap, cap_at = TASKS_PER_THREAD * max(1, threads), time.monotonic()
                        while len(inflight) < cap and (task := next(pending, None)) is not None:
                            inflight[client.submit(process_image, task, pure=False)] = task
                    elif inflight:
                        client.cancel(list(inflight))
                        inflight.clear()
                    if not inflight:
                        return
                    try:
                        done = wait(list(inflight), timeout=POLL_S, return_when="FIRST_COMPLETED")
                    except (TimeoutError, asyncio.TimeoutError):  # distinct before Python 3.11
                        continue
                    finished = [f for f in done.done if f.status == "finished"]
                    # one round trip for the batch (at most `cap` results of a few patches each)
                    for future, result in zip(finished, client.gather(finished)):
                        del inflight[future]
                        yield result
                    for future in done.done - set(finished):
                        yield _failed(future, inflight.pop(future))
            finally:
                if inflight:  # the generator was closed early (an error in the writer)
                    client.cancel(list(inflight))


def _failed(future: Any, task: ImageTask) -> ImageResult:
    """A task that failed on the cluster (its worker died more often than Dask retries:
    distributed.scheduler.allowed-failures) is the image's error."""
    if future.status == "error":
        exc = future.exception()
        return failed_result(task, f"failed on the Dask cluster: {type(exc).__name__}: {exc}")
    return failed_result(task, f"the Dask cluster {future.status} this task; run extract again")
