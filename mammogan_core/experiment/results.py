"""What a study reports: one CellResult per (mode, k, fold), the summary per mode and k (F1
mean, standard deviation over folds and a 95% t-interval), paired comparisons between modes
across folds, and the StudyResult that holds them. No torch here (the GUI reads these).

A metric a cell cannot define (ROC-AUC of a test set with one class) is None, as is the spread
of a single fold.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..events import Result
from .options import MODES


@dataclass(frozen=True)
class CellResult(Result):
    """The classifier of one mode, k and fold, scored on the fold's test set (lesion class)."""

    mode: str
    k: int
    fold: int  # 0-based
    f1: float
    precision: float
    recall: float
    ap: float | None  # average precision
    auc: float | None  # ROC-AUC
    confusion: tuple[tuple[int, int], tuple[int, int]]  # [[tn, fp], [fn, tp]]
    synthetic_count: int  # synthetic lesions in its training set (0 in ORG and AugORG)
    real_count: int = 0  # real lesions in its training set (k)
    normal_count: int = 0  # normal patches in its training set
    val_f1: float = 0.0  # the validation F1 of the model kept
    best_step: int = 0  # the batch after which that model was kept
    seconds: float = 0.0

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CellResult:
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        known["confusion"] = tuple(tuple(int(v) for v in row) for row in d["confusion"])
        return cls(**known)


@dataclass(frozen=True)
class ModeSummary(Result):
    mode: str
    k: int
    folds: int  # cells summarised
    f1_mean: float
    f1_std: float | None  # sample standard deviation over folds
    f1_ci: tuple[float, float] | None  # 95% t-interval of the mean, within [0, 1]
    precision_mean: float
    recall_mean: float
    ap_mean: float | None
    auc_mean: float | None


@dataclass(frozen=True)
class Comparison(Result):
    """`mode` minus `baseline` in F1, paired by fold (the same real lesions, normals, test set
    and classifier seed): mean difference and its 95% t-interval."""

    mode: str
    baseline: str
    k: int
    folds: int
    mean_diff: float
    ci: tuple[float, float] | None
    diffs: tuple[float, ...]  # per fold, in fold order


@dataclass(frozen=True)
class FoldRecord(Result):
    fold: int
    train_patients: tuple[str, ...]  # pseudonymous patient keys
    val_patients: tuple[str, ...]
    test_patients: tuple[str, ...]
    synthetic_count: int  # synthetic lesions drawn for the fold (training sets only)
    generator: str | None  # the training run whose generator made them
    leakage: dict[str, int]  # counts that are 0 (folds.leakage)


@dataclass(frozen=True)
class StudyResult(Result):
    study: str
    status: str  # finished | stopped | running | interrupted | failed
    results: tuple[CellResult, ...]
    summary: tuple[ModeSummary, ...]
    folds: tuple[FoldRecord, ...]
    comparisons: tuple[Comparison, ...]
    plot: str | None  # the F1-against-k PNG
    csv: str | None  # the numbers per cell and per mode and k
    study_dir: str = ""
    options: dict[str, Any] | None = None
    cells_total: int = 0
    resume_command: str | None = None  # when stopped: the command that finishes the study

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        if self.resume_command is None:  # the key only where there is a command to give
            del d["resume_command"]
        return d


def _mean(values: Sequence[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def mean_interval(
    values: Sequence[float],
) -> tuple[float, float | None, tuple[float, float] | None]:
    """Mean, sample standard deviation and 95% t-interval of the mean (None from one value)."""
    from scipy.stats import t

    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, None, None
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return mean, sd, (mean - half, mean + half)


def _mode_order(cells: Iterable[CellResult]) -> list[str]:
    seen = {c.mode for c in cells}
    return [m for m in MODES if m in seen] + sorted(seen - set(MODES))


def summarise(cells: Iterable[CellResult]) -> list[ModeSummary]:
    """Per mode (the seed's order) and k (ascending), over the folds done so far."""
    cells = list(cells)
    out = []
    for mode in _mode_order(cells):
        for k in sorted({c.k for c in cells if c.mode == mode}):
            group = [c for c in cells if c.mode == mode and c.k == k]
            mean, sd, ci = mean_interval([c.f1 for c in group])
            if ci is not None:  # F1 lies in [0, 1]: so does its interval
                ci = (max(ci[0], 0.0), min(ci[1], 1.0))
            out.append(
                ModeSummary(
                    mode=mode,
                    k=k,
                    folds=len(group),
                    f1_mean=mean,
                    f1_std=sd,
                    f1_ci=ci,
                    precision_mean=_mean([c.precision for c in group]) or 0.0,
                    recall_mean=_mean([c.recall for c in group]) or 0.0,
                    ap_mean=_mean([c.ap for c in group]),
                    auc_mean=_mean([c.auc for c in group]),
                )
            )
    return out


def compare(cells: Iterable[CellResult]) -> list[Comparison]:
    """Every later mode against every earlier one (AugORG - ORG, GAN - ORG, ..., AugGAN - GAN),
    per k, over the folds both have."""
    cells = list(cells)
    by_key = {(c.mode, c.k, c.fold): c.f1 for c in cells}
    modes = _mode_order(cells)
    out = []
    for j, mode in enumerate(modes):
        for baseline in modes[:j]:
            for k in sorted({c.k for c in cells}):
                folds = sorted(
                    c.fold
                    for c in cells
                    if c.mode == mode and c.k == k and (baseline, k, c.fold) in by_key
                )
                if not folds:
                    continue
                diffs = [by_key[(mode, k, f)] - by_key[(baseline, k, f)] for f in folds]
                mean, _sd, ci = mean_interval(diffs)
                out.append(Comparison(mode, baseline, k, len(folds), mean, ci, tuple(diffs)))
    return out


def threshold_note(cells: Sequence[CellResult]) -> str | None:
    """A warning when no cell's classifier calls any test patch a lesion although it ranks
    lesions above normal tissue: F1 at the seed's 0.5 threshold then says nothing of the modes
    (typical of a few real lesions among ten times as many normals; AP and AUC still compare)."""
    aucs = [c.auc for c in cells if c.auc is not None]
    if not cells or any(c.f1 > 0 for c in cells) or not aucs or _mean(aucs) <= 0.5:
        return None
    return (
        f"no classifier called a test patch a lesion at the 0.5 threshold (F1 0 in all "
        f"{len(cells)} cells) although they rank lesions first (mean AUC {_mean(aucs):.2f}): "
        "too few real lesions or classifier epochs for F1; compare the modes by AP and AUC, "
        "or give the study more lesions (larger k) or more classifier epochs"
    )
