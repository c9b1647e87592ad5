"""Multi-reader multi-case (MRMC) analysis: Obuchowski-Rockette (OR) with Hillis' denominator
degrees of freedom and jackknife covariances over cases, as OR-DBM MRMC, MRMCaov and RJafroc
compute it. Readers and cases are both random: the interval is for other readers reading other
cases, which a row pooling every answer as independent is not.

Arrays: a figure of merit `theta` (..., T, R) for T modalities and R readers, and its
case-deletion jackknife values `jack` (..., T, R, C) over the C cases every reader read in
every modality. Leading dimensions are independent studies: the null and power simulations
analyse thousands of studies in one call.

References: Obuchowski & Rockette (1995) Commun Stat Simul 24:285; Hillis (2007) Stat Med
26:596 (ddf_H); Hillis, Obuchowski, Schartz & Berbaum (2005) Stat Med 24:1579."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def auc_jackknife(scores: np.ndarray, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Mann-Whitney AUC (ties count a half) of `scores` (..., C) with `truth` (C,) True for
    the positive class, and its leave-one-case-out values (..., C). From mid-ranks, so a study
    costs C log C, not positives x negatives."""
    from scipy.stats import rankdata

    truth = np.asarray(truth, bool)
    m, n = int(truth.sum()), int((~truth).sum())
    if m < 2 or n < 2:
        raise ValueError("the AUC's jackknife needs two cases of each class or more")
    ranks = rankdata(scores, axis=-1)
    # rank among all minus rank among its own class = cases of the other class below (ties 1/2)
    below = ranks[..., truth] - rankdata(scores[..., truth], axis=-1)
    above = m - (ranks[..., ~truth] - rankdata(scores[..., ~truth], axis=-1))
    theta = below.mean(-1) / n
    jack = np.empty(np.shape(scores))
    jack[..., truth] = (m * theta[..., None] - below / n) / (m - 1)
    jack[..., ~truth] = (n * theta[..., None] - above / m) / (n - 1)
    return theta, jack


def proportion_jackknife(hits: np.ndarray, counted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The share of `hits` (..., C) among the `counted` cases (C,) (all cases: accuracy; the
    positives: sensitivity; the negatives: specificity) and its leave-one-case-out values
    (a case not counted leaves it unchanged)."""
    counted = np.asarray(counted, bool)
    k = int(counted.sum())
    if k < 2:
        raise ValueError("a proportion's jackknife needs two counted cases or more")
    h = np.asarray(hits, float)[..., counted]
    theta = h.mean(-1)
    jack = np.repeat(theta[..., None], np.shape(hits)[-1], axis=-1)
    jack[..., counted] = (k * theta[..., None] - h) / (k - 1)
    return theta, jack


def jackknife_covariance(jack: np.ndarray) -> np.ndarray:
    """(..., T, R, C) -> the (..., T, R, T, R) covariance of the reader-modality estimates:
    (C - 1) / C times the sum of the products of the deviations of the case-deleted values."""
    c = jack.shape[-1]
    d = jack - jack.mean(-1, keepdims=True)
    return (c - 1) / c * np.einsum("...trc,...usc->...trus", d, d)


def _masked_mean(cov: np.ndarray, same_t: bool, same_r: bool) -> np.ndarray:
    t, r = cov.shape[-2:]
    mt = np.eye(t, dtype=bool) if same_t else ~np.eye(t, dtype=bool)
    mr = np.eye(r, dtype=bool) if same_r else ~np.eye(r, dtype=bool)
    mask = mt[:, None, :, None] & mr[None, :, None, :]
    if not mask.any():
        return np.full(cov.shape[:-4], np.nan)
    return (cov * mask).sum((-4, -3, -2, -1)) / mask.sum()


@dataclass(frozen=True)
class Components:
    """The OR error variance and covariances (Var(error); Cov1: same reader, other modality;
    Cov2: other reader, same modality; Cov3: other reader, other modality), each (...)."""

    var_error: np.ndarray
    cov1: np.ndarray
    cov2: np.ndarray
    cov3: np.ndarray


def components(cov: np.ndarray) -> Components:
    return Components(
        _masked_mean(cov, True, True),
        _masked_mean(cov, False, True),
        _masked_mean(cov, True, False),
        _masked_mean(cov, False, False),
    )


@dataclass(frozen=True)
class Single:
    """The reader-averaged figure of merit of each modality (..., T) with its variance and
    Hillis' degrees of freedom (ddf_H_single), readers and cases random. `ms_r` and `cov2` are
    the pilot variance components a sizing needs."""

    estimate: np.ndarray
    var: np.ndarray
    df: np.ndarray
    ms_r: np.ndarray
    cov2: np.ndarray
    var_error: np.ndarray


def single_modality(theta: np.ndarray, cov: np.ndarray) -> Single:
    """OR analysis of each modality on its own data: Var = [MS(R) + R max(Cov2, 0)] / R and
    df = [MS(R) + R max(Cov2, 0)]^2 / [MS(R)^2 / (R - 1)]. Needs two readers or more."""
    r = theta.shape[-1]
    if r < 2:
        raise ValueError("random readers need two readers or more")
    ms_r = theta.var(-1, ddof=1)
    t = theta.shape[-2]
    per = np.stack([cov[..., i, :, i, :] for i in range(t)], axis=-3)  # (..., T, R, R)
    off = ~np.eye(r, dtype=bool)
    cov2 = (per * off).sum((-2, -1)) / off.sum()
    var_error = np.diagonal(per, axis1=-2, axis2=-1).mean(-1)
    denominator = ms_r + r * np.maximum(cov2, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.where(ms_r > 0, denominator**2 / (ms_r**2 / (r - 1)), np.inf)
    return Single(theta.mean(-1), denominator / r, df, ms_r, cov2, var_error)


@dataclass(frozen=True)
class Difference:
    """The first modality's reader-averaged figure minus the second's, OR/Hillis: the F test of
    equal modalities is the square of this t (T = 2)."""

    diff: np.ndarray
    var: np.ndarray
    df: np.ndarray
    f: np.ndarray
    components: Components


def two_modalities(theta: np.ndarray, cov: np.ndarray) -> Difference:
    """Error term MS(T*R) + R max(Cov2 - Cov3, 0); ddf_H = error term^2 / [MS(T*R)^2 /
    ((T - 1)(R - 1))]; Var(difference) = 2 / R x error term."""
    t, r = theta.shape[-2:]
    if t != 2 or r < 2:
        raise ValueError("the difference needs two modalities and two readers or more")
    means = theta.mean(-1)
    ms_t = r * ((means - means.mean(-1, keepdims=True)) ** 2).sum(-1) / (t - 1)
    inter = (
        theta - means[..., None] - theta.mean(-2, keepdims=True) + means.mean(-1)[..., None, None]
    )
    ms_tr = (inter**2).sum((-2, -1)) / ((t - 1) * (r - 1))
    comp = components(cov)
    error = ms_tr + r * np.maximum(comp.cov2 - comp.cov3, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = np.where(ms_tr > 0, error**2 / (ms_tr**2 / ((t - 1) * (r - 1))), np.inf)
        f = ms_t / error
    return Difference(means[..., 0] - means[..., 1], 2.0 / r * error, df, f, comp)
