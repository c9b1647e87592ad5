"""What `mammogan evaluate` and `mammogan metrics` report (their --json objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..events import Result


@dataclass(frozen=True)
class MetricsResult(Result):
    status: str  # finished | stopped
    fid: float | None  # None without an Inception weights file (fid_note says how to add one)
    fid_note: str | None
    kid_mean: float | None  # weights-free features (feature_spaces names them)
    kid_std: float | None
    precision: float | None
    recall: float | None
    frd: float | None  # radiomics Fréchet distance
    diversity: float | None  # synthetic / real mean pair distance
    memorised: tuple[dict[str, Any], ...]  # suspected copies, nearest first
    report_dir: str | None  # report.json and the PNG figures
    floor: dict[str, Any] = field(default_factory=dict)  # the figures between real halves
    n_real: int = 0
    n_fake: int = 0
    feature_spaces: dict[str, Any] = field(default_factory=dict)  # name -> provenance
    source: dict[str, Any] = field(default_factory=dict)  # run/checkpoint/step or folders
    extra: dict[str, Any] = field(default_factory=dict)  # Inception KID and P/R when run
    tsne: dict[str, Any] | None = None  # the t-SNE map's TsneResult, when asked for
    # a conditional generator's figures per condition (metrics.per_condition)
    per_condition: tuple[dict[str, Any], ...] = ()
