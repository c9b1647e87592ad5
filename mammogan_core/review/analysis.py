"""The MRMC analysis of a reading table as typed results: per modality the reader-averaged AUC
(from the scores) and, from binary calls where there are some, accuracy, sensitivity and
specificity, each with its OR/Hillis variance, degrees of freedom, 95% interval and test
against 0.5, and the AUC's equivalence verdict; with two modalities their difference. The same
for a review set's report and for any table (`mammogan review mrmc`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..events import Result
from . import equivalence as eq
from .mrmc import (
    Single,
    auc_jackknife,
    jackknife_covariance,
    proportion_jackknife,
    single_modality,
    two_modalities,
)


@dataclass(frozen=True)
class Measure(Result):
    """A reader-averaged figure with readers and cases random; its 95% interval is clipped to
    [0, 1]. `df` None with an interval: infinite (every reader had the same value: normal
    quantiles); `ci` None: no interval (one reader, or no spread at all)."""

    estimate: float
    var: float | None
    df: float | None
    ci: tuple[float, float] | None
    p_vs_half: float | None


@dataclass(frozen=True)
class Equivalence(Result):
    margin: float
    p: float | None  # two one-sided tests (TOST) of |AUC - 0.5| < margin
    verdict: str  # indistinguishable within the margin | distinguishable | inconclusive: ...


@dataclass(frozen=True)
class ModalityAnalysis(Result):
    modality: str
    readers: int
    cases: int
    positives: int
    auc: float
    var: float | None
    df: float | None
    ci: tuple[float, float] | None
    p_vs_half: float | None
    equivalence: Equivalence
    reader_auc: dict[str, float]
    ms_r: float | None  # pilot variance components for sizing a later study
    cov2: float | None
    var_error: float | None
    accuracy: Measure | None = None  # from binary calls, where the table has them
    sensitivity: Measure | None = None
    specificity: Measure | None = None


@dataclass(frozen=True)
class DifferenceResult(Result):
    modalities: tuple[str, str]  # first minus second
    diff: float
    var: float
    df: float | None
    ci: tuple[float, float]
    p: float


@dataclass(frozen=True)
class MrmcResult(Result):
    modalities: tuple[ModalityAnalysis, ...]
    difference: DifferenceResult | None
    readers: tuple[str, ...]
    cases: int
    margin: float
    warnings: tuple[str, ...] = ()


def _f(x: np.ndarray | float) -> float:
    return float(np.asarray(x))


def _df(df: np.ndarray | float) -> float | None:
    return _f(df) if np.isfinite(df) else None


def _measure(single: Single, i: int) -> Measure:
    """The interval is clipped to [0, 1], where the figures live. No interval or test without
    spread (every reader right on every real image, say): nothing to infer the next study from."""
    est, var, df = single.estimate[i], single.var[i], single.df[i]
    if not var > 0:
        return Measure(_f(est), _f(var), None, None, None)
    low, high = eq.interval(est, var, df)
    return Measure(
        _f(est), _f(var), _df(df), (max(0.0, _f(low)), min(1.0, _f(high))),
        _f(eq.p_two_sided(est, var, df)),
    )  # fmt: skip


def _single(theta: np.ndarray, jack: np.ndarray) -> Single | None:
    return single_modality(theta, jackknife_covariance(jack)) if theta.shape[-1] >= 2 else None


def analyse(
    scores: np.ndarray,
    truth: np.ndarray,
    readers: tuple[str, ...],
    modalities: tuple[str, ...],
    calls: np.ndarray | None = None,
    margin: float = eq.MARGIN,
    warnings: tuple[str, ...] = (),
) -> MrmcResult:
    """`scores` and `calls` (T, R, C) (calls True = positive), `truth` (C,) True = positive.
    With one reader the AUC is given but nothing random-reader: the verdict is inconclusive."""
    theta, jack = auc_jackknife(scores, truth)
    auc = _single(theta, jack)
    binary = {}
    if calls is not None:
        right = calls == truth
        for name, counted in (("accuracy", np.ones_like(truth)), ("sensitivity", truth),
                              ("specificity", ~truth)):  # fmt: skip
            binary[name] = _single(*proportion_jackknife(right, counted))
    out = []
    for i, name in enumerate(modalities):
        reader_auc = {r: _f(theta[i, j]) for j, r in enumerate(readers)}
        if auc is None:
            m = Measure(_f(theta[i].mean()), None, None, None, None)
            p_equiv, pilot = None, (None, None, None)
        else:
            m = _measure(auc, i)
            p_equiv = (
                _f(eq.p_equivalence(auc.estimate[i], auc.var[i], auc.df[i], margin))
                if m.ci is not None
                else None
            )
            pilot = (_f(auc.ms_r[i]), _f(auc.cov2[i]), _f(auc.var_error[i]))
        extra = {k: _measure(s, i) for k, s in binary.items() if s is not None}
        out.append(
            ModalityAnalysis(
                name, len(readers), len(truth), int(truth.sum()), m.estimate, m.var, m.df,
                m.ci, m.p_vs_half,
                Equivalence(margin, p_equiv, eq.verdict(p_equiv, m.p_vs_half)),
                reader_auc, *pilot, **extra,
            )
        )  # fmt: skip
    return MrmcResult(
        tuple(out), _difference(theta, jack, modalities), readers, len(truth), margin, warnings
    )


def _difference(
    theta: np.ndarray, jack: np.ndarray, modalities: tuple[str, ...]
) -> DifferenceResult | None:
    if len(modalities) != 2 or theta.shape[-1] < 2:
        return None
    d = two_modalities(theta, jackknife_covariance(jack))
    low, high = eq.interval(d.diff, d.var, d.df)
    p = eq.p_two_sided(d.diff, d.var, d.df, null=0.0)
    return DifferenceResult(
        (modalities[0], modalities[1]), _f(d.diff), _f(d.var), _df(d.df),
        (_f(low), _f(high)), _f(p),
    )  # fmt: skip


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _ci(ci: list[float] | None) -> str:
    return "no interval" if ci is None else f"95% CI {ci[0]:.3f} to {ci[1]:.3f}"


def summary_lines(mrmc: dict | None) -> list[str]:
    """An analysis (`MrmcResult.to_dict()`) in words, a line per figure and the verdict: the
    report page, the CLI and the Review panel say the same."""
    if mrmc is None:
        return ["MRMC analysis: needs two real and two synthetic images that every reader answered"]
    lines = [
        f"Readers and images random (Obuchowski-Rockette, Hillis df, jackknife): "
        f"{len(mrmc['readers'])} reader(s), {mrmc['cases']} cases"
    ]
    for m in mrmc["modalities"]:
        name = f" ({m['modality']})" if m["modality"] else ""
        lines.append(
            f"reader-averaged AUC{name} {m['auc']:.3f} ({_ci(m['ci'])}, df {_num(m['df'], 1)}; "
            f"p vs 0.5 {_num(m['p_vs_half'])})"
        )
        for figure in ("accuracy", "sensitivity", "specificity"):
            if m.get(figure):
                v = m[figure]
                lines.append(f"  {figure} {v['estimate']:.3f} ({_ci(v['ci'])}; p vs 0.5 "
                             f"{_num(v['p_vs_half'])})")  # fmt: skip
        e = m["equivalence"]
        lines.append(
            f"Verdict{name}: {e['verdict']} (is the AUC within 0.5 +/- {e['margin']:g}? "
            f"equivalence p {_num(e['p'])}, two one-sided tests at 5%)"
        )
    d = mrmc.get("difference")
    if d:
        lines.append(
            f"difference {d['modalities'][0]} - {d['modalities'][1]}: {d['diff']:.3f} "
            f"({_ci(d['ci'])}, df {_num(d['df'], 1)}; p {_num(d['p'])})"
        )
    return lines + [f"warning: {w}" for w in mrmc.get("warnings", ())]
