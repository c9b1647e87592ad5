"""The study's statistics without training anything: intervals over fold means that cover the
truth at their stated rate (and would not if seeds were counted as independent), Holm's
adjustment against hand-worked values, comparisons paired by fold and seed, a planted
difference found and a null not, and the warnings that name one-class cells."""

from __future__ import annotations

import random

import pytest

from mammogan_core.experiment.results import CellResult
from mammogan_core.experiment.stats import compare, holm, summarise, t_interval, warnings


def _cell(mode: str, fold: int, seed: int, value: float, k: int = 4, **more) -> CellResult:
    tp = more.pop("tp", 1)  # 0: every test patch called normal (one class)
    return CellResult(
        mode=mode,
        k=k,
        fold=fold,
        f1=value,
        precision=0.5,
        recall=0.5,
        ap=value,
        auc=value,
        confusion=((9 + (1 - tp), tp), (1 - tp, tp)),
        synthetic_count=0,
        seed=seed,
        f1_at_half=more.pop("f1_at_half", value),
        **more,
    )


def _study(effect: float, fold_sd: float, seed_sd: float, rng: random.Random) -> list[CellResult]:
    """3 folds x 3 seeds of Oversample and GAN: a fold effect shared by both modes (patients
    differ between folds), seed noise, and GAN = Oversample + effect."""
    cells = []
    for fold in range(3):
        base = 0.5 + rng.gauss(0, fold_sd)
        for seed in range(3):
            shared = rng.gauss(0, seed_sd)  # the same classifier seed in both modes
            cells.append(_cell("Oversample", fold, seed, base + shared + rng.gauss(0, 0.01)))
            cells.append(_cell("GAN", fold, seed, base + shared + effect + rng.gauss(0, 0.01)))
    return cells


def test_fold_mean_intervals_cover_the_truth_at_their_rate_and_seed_counting_would_not():
    rng = random.Random(1)
    covered = naive = 0
    runs = 600
    for _ in range(runs):
        cells = _study(0.0, fold_sd=0.1, seed_sd=0.01, rng=rng)
        (row,) = [r for r in summarise(cells) if r.mode == "Oversample"]
        low, high = row.ap.ci
        covered += low <= 0.5 <= high
        # the wrong method: 9 cells as if independent (df 8) misses the fold effect
        _m, _sd, (nl, nh) = t_interval([c.ap for c in cells if c.mode == "Oversample"])
        naive += nl <= 0.5 <= nh
    assert 0.92 <= covered / runs <= 0.98
    assert naive / runs < 0.85  # a negative control for the method, not just the code


def test_summary_averages_seeds_within_folds_first():
    cells = [
        _cell("ORG", f, s, v)
        for f, vals in enumerate(([0.2, 0.4], [0.6, 0.6], [0.5, 0.9]))
        for s, v in enumerate(vals)
    ]
    (row,) = summarise(cells)
    assert row.ap.fold_means == pytest.approx((0.3, 0.6, 0.7))
    assert row.ap.mean == pytest.approx(1.6 / 3) and row.folds == 3 and row.cells == 6
    _mean, _sd, ci = t_interval([0.3, 0.6, 0.7])
    assert row.ap.ci == pytest.approx((max(ci[0], 0.0), min(ci[1], 1.0)))


def test_holm_matches_hand_worked_values():
    assert holm([0.01, 0.04, 0.03, None]) == pytest.approx([0.03, 0.06, 0.06, None])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])  # capped at 1 and monotone


def test_a_planted_difference_is_established_and_a_null_is_not():
    rng = random.Random(7)
    planted = compare(_study(0.15, fold_sd=0.1, seed_sd=0.05, rng=rng))
    ap = next(c for c in planted if c.metric == "ap")
    assert (ap.mode, ap.baseline, ap.folds) == ("GAN", "Oversample", 3)
    assert ap.ci[0] > 0 and ap.established  # paired by fold and seed: the fold effect cancels
    nulls = 0
    for _ in range(200):
        null = compare(_study(0.0, fold_sd=0.1, seed_sd=0.05, rng=rng))
        nulls += any(c.established for c in null)
    assert nulls / 200 <= 0.05  # Holm over the 3 metrics keeps the family's error rate


def test_comparisons_pair_cells_by_fold_and_seed():
    cells = [
        _cell("ORG", 0, 0, 0.5),
        _cell("ORG", 0, 1, 0.7),
        _cell("AugORG", 0, 0, 0.6),
        _cell("AugORG", 0, 1, 0.9),
        _cell("ORG", 1, 0, 0.4),
        _cell("AugORG", 1, 0, 0.4),
    ]
    f1 = next(c for c in compare(cells) if c.metric == "f1")
    assert (f1.mode, f1.baseline) == ("AugORG", "ORG")
    assert f1.diffs == pytest.approx((0.15, 0.0))  # fold 1: mean of 0.1 and 0.2
    assert not [c for c in compare(cells) if c.mode == "GAN"]  # no GAN cell: no comparison


def test_warnings_count_and_name_one_class_cells_and_say_when_nothing_is_established():
    cells = [
        _cell("ORG", 0, 0, 0.0, tp=0),
        _cell("ORG", 1, 0, 0.5),
        _cell("AugORG", 0, 0, 0.5),
        _cell("AugORG", 1, 0, 0.6),
    ]
    text = warnings(cells, compare(cells), folds=2)
    single = next(w for w in text if "single class" in w)
    assert single.startswith("1 of 4 cells") and "ORG k 4 fold 1 seed 1" in single
    assert any("no paired difference is established" in w for w in text)
    assert not [w for w in warnings(cells[1:], [], folds=2) if "single class" in w]


def test_warnings_say_when_most_cells_kept_their_first_check_or_f1_at_half_is_0():
    early = [_cell("ORG", f, 0, 0.5, first_check=f < 2, f1_at_half=0.0) for f in range(3)]
    text = warnings(early, compare(early), folds=3)
    assert any(w.startswith("2 of 3 cells kept the weights of their first") for w in text)
    assert any(w.startswith("3 of 3 cells have F1 0 at the seed's fixed 0.5") for w in text)
    late = [_cell("ORG", f, 0, 0.5, first_check=f == 0) for f in range(3)]
    assert not [w for w in warnings(late, [], folds=3) if "first" in w or "0.5" in w]
