"""Typed, frozen events yielded by long operations (import, extraction, training, ...).

Long operations are plain generators of these events. The CLI prints them, the GUI shows them
from a worker thread; neither needs to know which operation is running.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Finished:
    """The last event: the operation's results (the CLI's --json summary)."""

    summary: dict[str, Any] = field(default_factory=dict)


Event = Progress | Log | ItemError | StepMetrics | SampleGrid | CheckpointSaved | Finished
