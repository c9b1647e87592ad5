"""Typed, frozen events yielded by long operations (import, extraction, training, ...).

Long operations are plain generators of these events. The CLI prints them, the GUI shows them
from a worker thread; neither needs to know which operation is running.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import PurePath
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Progress:
    """`done` of `total` units finished (total 0 = unknown)."""

    done: int
    total: int
    message: str = ""
    unit: str = "items"


@dataclass(frozen=True)
class Log:
    """A line for the log view / terminal."""

    message: str
    level: str = "info"  # "info" | "warning" | "error"


@dataclass(frozen=True)
class ItemError:
    """One input (file, annotation row) failed; the batch goes on."""

    path: str
    reason: str


@dataclass(frozen=True)
class StepMetrics:
    """Training metrics of one step."""

    step: int
    epoch: int
    values: dict[str, float]


@dataclass(frozen=True)
class SampleGrid:
    """An image grid (uint8, H x W, grayscale) from fixed noise or real data."""

    step: int
    image: np.ndarray
    kind: str = "fake"  # "fake" | "real"


@dataclass(frozen=True)
class CheckpointSaved:
    step: int
    path: str


class Result:
    """Base of an operation's typed result (a frozen dataclass): the GUI reads attributes, the
    CLI prints `to_dict()` as its --json object. Nested results, tuples and paths become JSON."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]


def _jsonable(value: Any) -> Any:
    if isinstance(value, Result):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, PurePath):
        return str(value)
    return value


@dataclass(frozen=True)
class Finished:
    """The last event: the operation's results, a `Result` (or a plain dict where an operation
    has no result type yet)."""

    summary: Result | dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The results as the CLI's --json object."""
        s = self.summary
        return s.to_dict() if isinstance(s, Result) else dict(s)


@dataclass(frozen=True)
class EmbeddingFrame:
    """A t-SNE map while it is being optimised: `coords` (N x 2 float32) in the final map's
    point order, NaN for points not placed yet; `stage` is "initial" (the first map),
    "placing" (the rest of the real points) or "synthetic"."""

    coords: np.ndarray
    iteration: int
    stage: str


@dataclass(frozen=True)
class CellFinished:
    """One cell (mode, k, fold) of an augmentation study is done and stored: `cell` is a
    mammogan_core.experiment.results.CellResult (typed loosely: events know no operation)."""

    cell: Any


Event = (
    Progress
    | Log
    | ItemError
    | StepMetrics
    | SampleGrid
    | CheckpointSaved
    | Finished
    | EmbeddingFrame
    | CellFinished
)
