"""What a study reports: one CellResult per (fold, k, mode, seed), the summary per mode and k,
the paired comparisons, the warnings, and the StudyResult that holds them (stats.py computes
the summary and comparisons). No torch here (the GUI reads these).

A metric a cell cannot define (ROC-AUC of a test set with one class) is None, as is the
interval of a single fold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..events import Result


@dataclass(frozen=True)
class CellResult(Result):
    """The classifier of one fold, k, mode and seed, scored on the fold's test set (lesion
    class) at the threshold chosen on the fold's validation set."""

    mode: str
    k: int
    fold: int  # 0-based
    f1: float  # at `threshold`
    precision: float
    recall: float
    ap: float | None  # average precision
    auc: float | None  # ROC-AUC
    confusion: tuple[tuple[int, int], tuple[int, int]]  # [[tn, fp], [fn, tp]] at `threshold`
    synthetic_count: int  # synthetic lesions in its training set (GAN modes)
    seed: int = 0  # the classifier seed's index (0 .. seeds-1), the same in every mode
    f1_at_half: float | None = None  # F1 at the seed's fixed 0.5
    threshold: float = 0.5
    threshold_source: str = "validation"
    positives: int = 0  # lesions in its training set: real + repeated + synthetic
    negatives: int = 0  # normal patches in its training set
    real_count: int = 0  # real lesions (k)
    repeats: int = 0  # extra copies of real lesions (Oversample modes)
    normal_count: int = 0
    generator: dict[str, Any] | None = None  # GAN modes: {'run', 'real_lesions'}
    selected_step: int = 0  # the optimiser step whose weights were kept
    first_check: bool = False  # those of the first validation check
    val_ap: float | None = None  # of the kept weights
    val_auc: float | None = None
    val_f1: float | None = None  # at the chosen threshold
    seconds: float = 0.0

    @property
    def one_class(self) -> bool:
        """Its classifier called every test patch normal, or every one a lesion."""
        (tn, fp), (fn, tp) = self.confusion
        return tp + fp == 0 or tn + fn == 0

    @property
    def key(self) -> tuple[str, int, int, int]:
        return (self.mode, self.k, self.fold, self.seed)

    @property
    def name(self) -> str:
        return f"{self.mode} k {self.k} fold {self.fold + 1} seed {self.seed + 1}"

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CellResult:
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        known["confusion"] = tuple(tuple(int(v) for v in row) for row in d["confusion"])
        return cls(**known)


@dataclass(frozen=True)
class Estimate(Result):
    """A metric of one mode and k: the mean over folds of each fold's mean over seeds, the
    standard deviation of those fold means and the 95% t-interval from them (df = folds - 1,
    within [0, 1]); None where a metric or a second fold is missing."""

    mean: float | None
    sd: float | None
    ci: tuple[float, float] | None
    fold_means: tuple[float, ...]


@dataclass(frozen=True)
class ModeSummary(Result):
    mode: str
    k: int
    folds: int  # folds with a cell
    cells: int  # cells summarised (folds x seeds when complete)
    f1: Estimate  # at the validation threshold
    f1_at_half: Estimate
    ap: Estimate
    auc: Estimate
    precision_mean: float
    recall_mean: float
    positives: int  # the class balance of its training sets
    negatives: int
    one_class_cells: int  # cells whose classifier predicts a single class on the test set


@dataclass(frozen=True)
class Comparison(Result):
    """`mode` minus `baseline` in `metric` at k, paired by fold and seed (the same real lesions,
    normals, test set and classifier seed): each fold's mean difference over seeds, their mean,
    95% t-interval (df = folds - 1), two-sided t-test p and its Holm-adjusted p over every
    comparison of the study."""

    mode: str
    baseline: str
    k: int
    metric: str
    folds: int
    mean_diff: float
    ci: tuple[float, float] | None
    p: float | None
    p_holm: float | None
    diffs: tuple[float, ...]  # per fold, in fold order

    @property
    def established(self) -> bool:
        return self.p_holm is not None and self.p_holm < 0.05


@dataclass(frozen=True)
class FoldRecord(Result):
    fold: int
    train_patients: tuple[str, ...]  # pseudonymous patient keys
    val_patients: tuple[str, ...]
    test_patients: tuple[str, ...]
    generators: dict[str, dict[str, Any]]  # per k: {'run', 'real_lesions', ...}
    leakage: dict[str, int]  # counts that are 0 (folds.leakage)


@dataclass(frozen=True)
class StudyResult(Result):
    study: str
    status: str  # finished | stopped | running | interrupted | failed
    results: tuple[CellResult, ...]
    summary: tuple[ModeSummary, ...]
    folds: tuple[FoldRecord, ...]
    comparisons: tuple[Comparison, ...]
    warnings: tuple[str, ...]
    plot: str | None  # the F1, AP and AUC against k PNG
    csv: str | None  # the numbers per cell and per mode and k
    study_dir: str = ""
    options: dict[str, Any] | None = None
    cells_total: int = 0
    interval_method: str = ""
    resume_command: str | None = None  # when stopped: the command that finishes the study

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        if self.resume_command is None:  # the key only where there is a command to give
            del d["resume_command"]
        return d
