"""Reader statistics of a visual Turing test, "synthetic" being the positive class.

The call and the confidence make one 10-point score (real and certain = 1 ... real and unsure
= 5, synthetic and unsure = 6 ... synthetic and certain = 10), the scale of the ROC analysis.
Per reader: accuracy, sensitivity and specificity with exact (Clopper-Pearson) intervals, the
accuracy tested against 50% with an exact binomial test (scipy), the AUC's 95% interval a
stratified percentile bootstrap (scipy). These hold for that reader only. The pooled row treats
every answer of every reader as independent, which they are not (the same images, the same
readers): it is descriptive only, without interval or test; the inference over readers and
images is the MRMC analysis (analysis.py). Cohen's kappa comes from scikit-learn. Fleiss' kappa
is the short formula of Fleiss (1971) below: statsmodels would be a large dependency for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from ..events import Result
from .equivalence import clopper_pearson

POOLED = "pooled (descriptive only)"
BOOTSTRAP_RESAMPLES = 2000


@dataclass(frozen=True)
class Call:
    """One answer joined with the truth."""

    image_id: str
    truth: str  # real | synthetic
    call: str
    confidence: int
    seconds: float | None

    @property
    def score(self) -> int:
        return 5 + self.confidence if self.call == "synthetic" else 6 - self.confidence


@dataclass(frozen=True)
class ReaderStats(Result):
    reader: str  # the reader's name, or "pooled"
    n: int  # answers (first showings only)
    correct: int
    accuracy: float | None
    sensitivity: float | None  # synthetic images called synthetic
    specificity: float | None  # real images called real
    auc: float | None  # from the 10-point score; 0.5 = chance
    auc_ci: tuple[float, float] | None  # 95% bootstrap interval
    p_value: float | None  # two-sided exact binomial test of accuracy against 50%
    seconds_real: float | None  # mean reading time of real images
    seconds_synthetic: float | None
    repeat_agreement: float | None  # same call on both showings of a repeated image
    repeat_pairs: int
    role: str = ""
    years: float | None = None
    source: str = ""  # app | transcribed
    # exact (Clopper-Pearson) 95% intervals; None in the pooled row (descriptive only)
    accuracy_ci: tuple[float, float] | None = None
    sensitivity_ci: tuple[float, float] | None = None
    specificity_ci: tuple[float, float] | None = None


def reader_stats(
    name: str,
    calls: Sequence[Call],
    repeats: Sequence[tuple[Call, Call]] = (),
    seed: int = 0,
    descriptive: bool = False,
) -> ReaderStats:
    """One reader's statistics; `descriptive` (the pooled row): no interval and no test."""
    from scipy.stats import binomtest

    truth = np.array([c.truth == "synthetic" for c in calls], bool)
    said = np.array([c.call == "synthetic" for c in calls], bool)
    right = int((truth == said).sum())
    scores = np.array([c.score for c in calls], float)
    if descriptive:
        auc = float(_auc(scores[truth], scores[~truth])) if 0 < truth.sum() < len(truth) else None
        ci = None
    else:
        auc, ci = auc_with_interval(truth, scores, seed)
    same = [a.call == b.call for a, b in repeats]
    counts = {
        "accuracy": (right, len(calls)),
        "sensitivity": (int((said & truth).sum()), int(truth.sum())),
        "specificity": (int((~said & ~truth).sum()), int((~truth).sum())),
    }
    intervals = {
        f"{k}_ci": None if descriptive or not n else tuple(map(float, clopper_pearson(x, n)))
        for k, (x, n) in counts.items()
    }
    return ReaderStats(
        reader=name,
        n=len(calls),
        correct=right,
        **{k: _share(*v) for k, v in counts.items()},
        auc=auc,
        auc_ci=ci,
        p_value=float(binomtest(right, len(calls), 0.5).pvalue)
        if calls and not descriptive
        else None,
        seconds_real=_mean_seconds(calls, "real"),
        seconds_synthetic=_mean_seconds(calls, "synthetic"),
        repeat_agreement=_share(sum(same), len(same)),
        repeat_pairs=len(same),
        **intervals,
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _mean_seconds(calls: Sequence[Call], truth: str) -> float | None:
    times = [c.seconds for c in calls if c.truth == truth and c.seconds is not None]
    return float(np.mean(times)) if times else None


def _auc(positive: np.ndarray, negative: np.ndarray, axis: int = -1) -> np.ndarray:
    """P(score of a synthetic image > score of a real one), ties counting a half (the
    Mann-Whitney form of the ROC AUC), over the last axis of both samples."""
    p = np.moveaxis(positive, axis, -1)[..., :, None]
    n = np.moveaxis(negative, axis, -1)[..., None, :]
    return ((p > n) + 0.5 * (p == n)).mean(axis=(-2, -1))


def auc_with_interval(
    truth: np.ndarray, scores: np.ndarray, seed: int = 0
) -> tuple[float | None, tuple[float, float] | None]:
    """The ROC AUC and its 95% interval: a bootstrap that resamples synthetic and real images
    separately (stratified), so every resample has both classes."""
    from scipy.stats import bootstrap

    positive, negative = scores[truth], scores[~truth]
    if not len(positive) or not len(negative):
        return None, None
    auc = float(_auc(positive, negative))
    if len(positive) < 2 or len(negative) < 2:
        return auc, None
    res = bootstrap(
        (positive, negative),
        _auc,
        n_resamples=BOOTSTRAP_RESAMPLES,
        vectorized=True,
        method="percentile",
        batch=200,
        rng=np.random.default_rng(seed),
    )
    return auc, (float(res.confidence_interval.low), float(res.confidence_interval.high))


def cohen_kappas(calls: dict[str, dict[str, str]]) -> list[dict[str, object]]:
    """Cohen's kappa of each pair of readers on the images both answered (None when it is not
    defined: fewer than two images, or one call everywhere from both)."""
    from sklearn.metrics import cohen_kappa_score

    out = []
    for a, b in combinations(sorted(calls), 2):
        both = sorted(set(calls[a]) & set(calls[b]))
        x, y = [calls[a][i] for i in both], [calls[b][i] for i in both]
        defined = len(both) >= 2 and len(set(x) | set(y)) == 2
        kappa = float(cohen_kappa_score(x, y)) if defined else None
        out.append({"readers": [a, b], "kappa": kappa, "n": len(both)})
    return out


def fleiss_kappa(counts: np.ndarray) -> float | None:
    """Fleiss' kappa of `counts` (subjects x categories: how many raters chose each category;
    every subject rated by the same number of raters). None when undefined (fewer than two
    raters or subjects, or one category only)."""
    counts = np.asarray(counts, float)
    if counts.ndim != 2 or len(counts) < 1:
        return None
    raters = counts[0].sum()
    if raters < 2:
        return None
    p_category = counts.sum(0) / counts.sum()
    agreement = ((counts**2).sum(1) - raters) / (raters * (raters - 1))
    expected = float((p_category**2).sum())
    if expected >= 1.0:
        return None
    return float((agreement.mean() - expected) / (1.0 - expected))


def calls_by_image(calls: dict[str, dict[str, str]]) -> np.ndarray:
    """Counts of real / synthetic calls per image answered by every reader (Fleiss' input)."""
    shared = set.intersection(*(set(c) for c in calls.values())) if calls else set()
    return np.array(
        [
            [sum(c[i] == call for c in calls.values()) for call in ("real", "synthetic")]
            for i in sorted(shared)
        ],
        float,
    ).reshape(-1, 2)
