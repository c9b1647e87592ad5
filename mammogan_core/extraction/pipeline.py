"""Patch extraction over a workspace: parallel, resumable, shardable.

Worker processes read and cut images; this process is the single writer and commits each
image (its patches + `extracted_at`) in one transaction. A kill at any moment loses at most the
images in flight; a re-run skips the images already committed.

Sharding (cluster array jobs): `shard=(i, n)` takes the images with `id % n == i`. Shards may
run at the same time on one machine (the catalogue serialises their short commits; SQLite waits
up to 30 s for the lock). SQLite's WAL locking does not work across machines, so a workspace
open for writing on another host is refused (workspace/lock.py): a shard on another node writes
a shard workspace of its own (workspace/shards.py), merged afterwards (workspace/merge.py).
Or the images go to a Dask cluster and come back to this one writer (executors.py).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..control import Control
from ..errors import InputError
from ..events import Event, Finished, ItemError, Log, Progress, Result
from ..importing.results import FileError
from ..preprocess.split import assign_splits
from ..workspace import Workspace
from ..workspace.lock import hold_for_writing
from .catalogue_io import Shard, commit, pending_tasks, prepare
from .executors import make_runner
from .params import ExtractParams


@dataclass(frozen=True)
class ExtractResult(Result):
    status: str  # finished | stopped (the same run again continues where it stopped)
    stopped: bool
    lesion_patches: int  # in the workspace, after this run
    normal_patches: int
    images_done: int
    images_skipped: int  # could not be read or cut: `errors`
    errors: tuple[FileError, ...]
    seconds: float
    workers: int
    executor: str  # local | dask
    shard: str | None
    not_cut: dict[str, int]  # lesions left out, by reason
    lesions_padded: int  # lesion windows longer than the image: padded past its border
    preset: str


def available_cores() -> int:
    """The cores this process may use (a cluster job's share, not the whole node's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def parse_shard(text: str | None) -> Shard | None:
    """'i/n' -> (i, n) with 0 <= i < n."""
    if not text:
        return None
    try:
        i, n = (int(v) for v in text.split("/"))
    except ValueError:
        raise InputError(f"--shard must look like i/n (e.g. 0/4), not {text!r}") from None
    if not 0 <= i < n:
        raise InputError(f"--shard {text}: need 0 <= i < n")
    return i, n


def extract_patches(
    ws: Workspace,
    params: ExtractParams,
    control: Control,
    workers: int | None = None,
    shard: Shard | None = None,
    redo: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
) -> Iterator[Event]:
    """Extract lesion and normal patches of every image not extracted yet (of the shard), in
    `workers` processes (0: in this one; None: one per available core), of this machine or of
    a local Dask cluster, or on the Dask cluster at `scheduler`."""
    with hold_for_writing(ws.root, "extract"):
        yield from _extract(ws, params, control, workers, shard, redo, executor, scheduler)


def _extract(
    ws: Workspace,
    params: ExtractParams,
    control: Control,
    workers: int | None,
    shard: Shard | None,
    redo: bool,
    executor: str,
    scheduler: str | None,
) -> Iterator[Event]:
    started = time.perf_counter()
    workers = available_cores() if workers is None else workers
    if shard is not None:
        parse_shard(f"{shard[0]}/{shard[1]}")
    runner, where = make_runner(executor, workers, scheduler, control)
    warning = prepare(ws, params, shard, redo)
    if warning:
        yield Log(warning, "warning")
    assign_splits(ws, params.split_fractions, params.seed)
    tasks, splits = pending_tasks(ws, params, shard)
    yield Log(
        f"extracting {len(tasks)} images {where}"
        + (f" (shard {shard[0]}/{shard[1]})" if shard else "")
    )
    params_json = params.to_json()
    done, errors, skipped, padded = 0, [], Counter(), 0
    for result in runner.results(tasks):
        if result.error is not None:
            errors.append(FileError(result.path, result.error))
            yield ItemError(result.path, result.error)
        else:
            commit(ws, result, splits.get(result.image_id), params_json)
            done += 1
            skipped.update(result.skipped)
            padded += sum("padded" in r for r in result.rows)
        yield Progress(done + len(errors), len(tasks), Path(result.path).name, "images")
    if runner.stopped:
        yield Log(
            f"stopped: {len(tasks) - done - len(errors)} images left for the next run", "warning"
        )
    counts = ws.counts()
    yield Finished(
        ExtractResult(
            status="stopped" if runner.stopped else "finished",
            stopped=runner.stopped,
            lesion_patches=counts["lesion_patches"],
            normal_patches=counts["normal_patches"],
            images_done=done,
            images_skipped=len(errors),
            errors=tuple(errors),
            seconds=round(time.perf_counter() - started, 3),
            workers=workers,
            executor=executor,
            shard=None if shard is None else f"{shard[0]}/{shard[1]}",
            not_cut=dict(sorted(skipped.items())),
            lesions_padded=padded,
            preset=params.preset_name(),
        )
    )
