"""What `mammogan evaluate` and `mammogan metrics` report (their --json objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..events import Result


@dataclass(frozen=True)
class MetricsResult(Result):
    status: str  # finished | stopped
    # registry name -> {value, ci, floor, floor_ci, n_real, n_synthetic, features, label,
    # indistinguishable_from_real}, in the labels' units (KID x 10³)
    metrics: dict[str, dict[str, Any]]
    fid_note: str | None  # why FID is absent (no Inception weights file) and how to add one
    memorised: tuple[dict[str, Any], ...]  # suspected copies, nearest first
    report_dir: str | None  # report.json, summary.txt and the PNG figures
    n_real: int = 0  # the patches read (each figure says how many it compared)
    n_fake: int = 0
    warnings: tuple[str, ...] = ()  # few real patches, custom Inception weights
    inception_weights: dict[str, Any] | None = None  # sha256, published, label
    feature_spaces: dict[str, Any] = field(default_factory=dict)  # name -> provenance
    source: dict[str, Any] = field(default_factory=dict)  # run/checkpoint/step or folders
    tsne: dict[str, Any] | None = None  # the t-SNE map's TsneResult, when asked for
    # a conditional generator's figures per condition (metrics.per_condition)
    per_condition: tuple[dict[str, Any], ...] = ()
