"""What training and generation report: the CLI prints them as their --json objects, the Train
panel reads them by attribute. No torch here (the GUI imports these before torch is loaded)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..events import Result


@dataclass(frozen=True)
class TrainResult(Result):
    run: str
    run_dir: str
    steps: int  # the run's steps done in all, resumed sessions included
    epochs: int  # full epochs done
    checkpoint: str  # the last checkpoint's path
    resumed_from_step: int  # 0 for a fresh run
    images_per_s: float  # real images per second of this session, paused time left out
    device: str
    status: str  # finished | stopped
    warnings: tuple[str, ...] = ()  # e.g. a collapsed generator (also in the run's record)
    resume_command: str | None = None  # when stopped: the command that continues the run

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        if self.resume_command is None:  # the key only where there is a command to give
            del d["resume_command"]
        return d


@dataclass(frozen=True)
class GenerateResult(Result):
    status: str  # finished | stopped
    patches: int  # images written
    out: str  # the output folder
    files: tuple[str, ...]  # the images' paths
