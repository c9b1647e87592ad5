"""Intervals, tests and the verdict on a reader-averaged figure of merit with its OR/Hillis
variance and degrees of freedom (mrmc.py).

A non-significant test of "AUC = 0.5" is no evidence that readers cannot tell synthetic images
from real ones: a small study fails to reject almost anything. Equivalence is tested instead,
by two one-sided tests (TOST, Schuirmann 1987): the readers are indistinguishable within the
margin when both "AUC <= 0.5 - margin" and "AUC >= 0.5 + margin" are rejected at 5%, which is
the 90% interval lying inside 0.5 +/- margin. Every function takes arrays (many studies)."""

from __future__ import annotations

import numpy as np

ALPHA = 0.05
MARGIN = 0.1
CHANCE = 0.5
INDISTINGUISHABLE = "indistinguishable within the margin"
DISTINGUISHABLE = "distinguishable"
INCONCLUSIVE = "inconclusive: too few readers or images"


def _t_sf(stat: np.ndarray, df: np.ndarray) -> np.ndarray:
    """P(T > stat); df = inf is the normal, 0/0 (an estimate with no spread, at the null) 0.5."""
    from scipy.stats import t

    stat = np.nan_to_num(np.asarray(stat, float), nan=0.0)
    return t.sf(stat, np.asarray(df, float))


def _stat(estimate: np.ndarray, var: np.ndarray, null: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.asarray(estimate, float) - null) / np.sqrt(var)


def interval(
    estimate: np.ndarray, var: np.ndarray, df: np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """estimate +/- t(df, (1 + level) / 2) sqrt(var)."""
    from scipy.stats import t

    half = t.ppf((1 + level) / 2, np.asarray(df, float)) * np.sqrt(var)
    return estimate - half, estimate + half


def p_two_sided(
    estimate: np.ndarray, var: np.ndarray, df: np.ndarray, null: float = CHANCE
) -> np.ndarray:
    return np.minimum(1.0, 2 * _t_sf(np.abs(_stat(estimate, var, null)), df))


def p_equivalence(
    estimate: np.ndarray,
    var: np.ndarray,
    df: np.ndarray,
    margin: float = MARGIN,
    center: float = CHANCE,
) -> np.ndarray:
    """The TOST p-value: the larger of the two one-sided p-values."""
    lower = _t_sf(_stat(estimate, var, center - margin), df)
    upper = _t_sf(-_stat(estimate, var, center + margin), df)
    return np.maximum(lower, upper)


def verdict(p_equiv: float | None, p_diff: float | None, alpha: float = ALPHA) -> str:
    """Exactly one of the three: equivalence first (an AUC of 0.53 known to +/-0.02 is both
    'not 0.5' and 'within 0.1 of it': the margin is what matters), then a difference, and
    otherwise the study was too small to say."""
    if p_equiv is not None and p_equiv < alpha:
        return INDISTINGUISHABLE
    if p_diff is not None and p_diff < alpha:
        return DISTINGUISHABLE
    return INCONCLUSIVE


def clopper_pearson(
    k: np.ndarray, n: np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """The exact binomial interval of k successes in n trials (0 and 1 at the ends)."""
    from scipy.stats import beta

    k, n = np.asarray(k, float), np.asarray(n, float)
    a = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        low = np.where(k > 0, beta.ppf(a, k, n - k + 1), 0.0)
        high = np.where(k < n, beta.ppf(1 - a, k + 1, n - k), 1.0)
    return low, high
