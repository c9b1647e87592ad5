"""The study's statistics, respecting its structure: folds are the independent units (their
patients differ), seeds within a fold are not. So every metric is first averaged over a
fold's seeds, and intervals are t-intervals over those fold means (df = folds - 1). Paired
differences are taken cell by cell (same fold, k and seed), averaged per fold, then the same
t-interval and a two-sided one-sample t-test; Holm's step-down correction runs over every
comparison the study makes (each pair of PAIRS, each k, each metric of METRICS).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

from .options import MODES
from .results import CellResult, Comparison, Estimate, ModeSummary

METRICS = ("f1", "ap", "auc")
# each tested mode against its control: the synthetic lesions against as many repeated real
# ones (with and without flips), and flips against none
PAIRS = (("GAN", "Oversample"), ("AugGAN", "AugOversample"), ("AugORG", "ORG"))
INTERVAL_METHOD = (
    "95% t-interval over fold means (each fold's mean over its classifier seeds; df = folds - 1)"
    "; paired differences per fold and seed, averaged per fold; Holm's correction over all "
    "comparisons"
)
ALPHA = 0.05


def t_interval(values: Sequence[float]) -> tuple[float, float | None, tuple[float, float] | None]:
    """Mean, sample standard deviation and 95% t-interval of the mean (None from one value)."""
    from scipy.stats import t

    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, None, None
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(t.ppf(1 - ALPHA / 2, n - 1)) * sd / math.sqrt(n)
    return mean, sd, (mean - half, mean + half)


def t_test_p(values: Sequence[float]) -> float | None:
    """Two-sided p of a one-sample t-test of mean 0 (None from one value)."""
    from scipy.stats import t

    n = len(values)
    if n < 2:
        return None
    mean, sd, _ci = t_interval(values)
    if not sd:  # every fold the same difference: no spread to test against
        return 1.0 if mean == 0 else 0.0
    return float(2 * t.sf(abs(mean) / (sd / math.sqrt(n)), n - 1))


def holm(ps: Sequence[float | None]) -> list[float | None]:
    """Holm-Bonferroni adjusted p-values (monotone, at most 1); None stays None."""
    order = sorted((p, i) for i, p in enumerate(ps) if p is not None)
    m, out, running = len(order), list(ps), 0.0
    for rank, (p, i) in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = running
    return out


def _fold_means(
    cells: Iterable[CellResult], value: Callable[[CellResult], float | None]
) -> list[float]:
    by_fold: dict[int, list[float]] = {}
    for c in cells:
        v = value(c)
        if v is not None:
            by_fold.setdefault(c.fold, []).append(v)
    return [sum(vs) / len(vs) for _f, vs in sorted(by_fold.items())]


def estimate(cells: Sequence[CellResult], metric: str) -> Estimate:
    means = _fold_means(cells, lambda c: getattr(c, metric))
    if not means:
        return Estimate(None, None, None, ())
    mean, sd, ci = t_interval(means)
    if ci is not None:  # the metrics lie in [0, 1]: so do their intervals
        ci = (max(ci[0], 0.0), min(ci[1], 1.0))
    return Estimate(mean, sd, ci, tuple(means))


def mode_order(cells: Iterable[CellResult]) -> list[str]:
    seen = {c.mode for c in cells}
    return [m for m in MODES if m in seen] + sorted(seen - set(MODES))


def summarise(cells: Iterable[CellResult]) -> list[ModeSummary]:
    """Per mode (MODES' order) and k (ascending), over the cells done so far."""
    cells = list(cells)
    out = []
    for mode in mode_order(cells):
        for k in sorted({c.k for c in cells if c.mode == mode}):
            group = [c for c in cells if c.mode == mode and c.k == k]
            out.append(
                ModeSummary(
                    mode=mode,
                    k=k,
                    folds=len({c.fold for c in group}),
                    cells=len(group),
                    f1=estimate(group, "f1"),
                    f1_at_half=estimate(group, "f1_at_half"),
                    ap=estimate(group, "ap"),
                    auc=estimate(group, "auc"),
                    precision_mean=sum(c.precision for c in group) / len(group),
                    recall_mean=sum(c.recall for c in group) / len(group),
                    positives=group[0].positives,
                    negatives=group[0].negatives,
                    one_class_cells=sum(c.one_class for c in group),
                )
            )
    return out


def compare(cells: Iterable[CellResult]) -> list[Comparison]:
    """Each pair of PAIRS whose modes both ran, per k and metric, over the (fold, seed) cells
    both have; Holm-adjusted over all of them."""
    by_key = {(c.mode, c.k, c.fold, c.seed): c for c in cells}
    rows = []
    for mode, baseline in PAIRS:
        for k in sorted({key[1] for key in by_key}):
            pairs = [
                (c, by_key[(baseline, k, c.fold, c.seed)])
                for key, c in sorted(by_key.items())
                if key[0] == mode and key[1] == k and (baseline, k, c.fold, c.seed) in by_key
            ]
            if not pairs:
                continue
            for metric in METRICS:
                diffs: dict[int, list[float]] = {}
                for a, b in pairs:
                    va, vb = getattr(a, metric), getattr(b, metric)
                    if va is not None and vb is not None:
                        diffs.setdefault(a.fold, []).append(va - vb)
                means = [sum(v) / len(v) for _f, v in sorted(diffs.items())]
                if not means:
                    continue
                mean, _sd, ci = t_interval(means)
                rows.append((mode, baseline, k, metric, means, mean, ci, t_test_p(means)))
    adjusted = holm([r[7] for r in rows])
    return [
        Comparison(m, b, k, metric, len(means), mean, ci, p, p_adj, tuple(means))
        for (m, b, k, metric, means, mean, ci, p), p_adj in zip(rows, adjusted, strict=True)
    ]


def _named(cells: Sequence[CellResult], shown: int = 8) -> str:
    names = [c.name for c in cells[:shown]]
    more = len(cells) - shown
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def warnings(
    cells: Sequence[CellResult], comparisons: Sequence[Comparison], folds: int
) -> list[str]:
    """What a reader of the table must know: classifiers that predict one class on the test
    set, models kept at the first check, too few folds for an interval, and whether any
    paired difference survives Holm's correction."""
    out = []
    single = [c for c in cells if c.one_class]
    if single:
        out.append(
            f"{len(single)} of {len(cells)} cells' classifiers predict a single class on the "
            f"test set at their validation threshold (their F1 says nothing of the mode; "
            f"compare AP and AUC): {_named(single)}"
        )
    half = [c for c in cells if c.f1_at_half == 0.0 and c.f1 > 0]
    if half:
        out.append(
            f"{len(half)} of {len(cells)} cells have F1 0 at the seed's fixed 0.5 threshold "
            "but not at their validation threshold: F1 at 0.5 understates them"
        )
    first = [c for c in cells if c.first_check]
    if first and len(first) * 2 >= len(cells):
        out.append(
            f"{len(first)} of {len(cells)} cells kept the weights of their first validation "
            "check (no later check had a higher validation AP): their classifiers gained "
            "nothing from further steps or overfit early; try fewer or more classifier steps"
        )
    if cells and folds < 2:
        out.append("one fold: no interval or comparison can be given; use 2 folds or more")
    tested = [c for c in comparisons if c.p_holm is not None]
    if tested and not any(c.established for c in tested):
        out.append(
            f"no paired difference is established: all {len(tested)} comparisons have a "
            f"Holm-adjusted p of {ALPHA} or more. These data cannot support a claim that "
            "synthetic lesions (or flips) change the classifier; more folds, patients or "
            "seeds narrow the intervals"
        )
    return out
