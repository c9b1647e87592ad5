"""Reader statistics against values computed by hand, and Fleiss' kappa against the worked
example of Fleiss (1971) as given on Wikipedia (kappa = 0.210)."""

from __future__ import annotations

import numpy as np
import pytest

from mammogan_core.review.stats import (
    Call,
    auc_with_interval,
    calls_by_image,
    cohen_kappas,
    fleiss_kappa,
    reader_stats,
)


def call(i: int, truth: str, said: str, confidence: int, seconds: float | None = None) -> Call:
    return Call(f"id{i}", truth, said, confidence, seconds)


def test_the_ten_point_score_orders_certain_real_to_certain_synthetic():
    scores = [Call("x", "real", "real", c, None).score for c in (5, 4, 3, 2, 1)]
    scores += [Call("x", "real", "synthetic", c, None).score for c in (1, 2, 3, 4, 5)]
    assert scores == list(range(1, 11))


def test_one_reader_against_hand_computed_values():
    calls = [
        call(0, "synthetic", "synthetic", 5, 2.0),  # score 10
        call(1, "synthetic", "synthetic", 3, 4.0),  # 8
        call(2, "synthetic", "real", 2, 6.0),  # 4
        call(3, "real", "real", 5, 1.0),  # 1
        call(4, "real", "real", 1, None),  # 5
        call(5, "real", "synthetic", 1, 3.0),  # 6
    ]
    repeats = [
        (calls[0], call(6, "synthetic", "synthetic", 4)),
        (calls[3], call(7, "real", "synthetic", 2)),
    ]
    s = reader_stats("A", calls, repeats)
    assert (s.n, s.correct) == (6, 4)
    assert s.accuracy == pytest.approx(4 / 6)
    assert s.sensitivity == pytest.approx(2 / 3) and s.specificity == pytest.approx(2 / 3)
    # synthetic scores 10, 8, 4 against real 1, 5, 6: 3 + 3 + 1 of 9 pairs ordered rightly
    assert s.auc == pytest.approx(7 / 9)
    low, high = s.auc_ci
    assert 0.0 <= low <= s.auc <= high <= 1.0 and low < high
    # two-sided exact binomial: P(X <= 2) + P(X >= 4) of Bin(6, 1/2) = 44 / 64
    assert s.p_value == pytest.approx(44 / 64)
    assert s.seconds_synthetic == pytest.approx(4.0) and s.seconds_real == pytest.approx(2.0)
    assert (s.repeat_agreement, s.repeat_pairs) == (0.5, 2)
    # exact (Clopper-Pearson) intervals: 4 of 6 and 2 of 3 (values of scipy's beta quantiles)
    assert s.accuracy_ci == pytest.approx((0.22277810, 0.95672813))
    assert s.sensitivity_ci == pytest.approx((0.09429932, 0.99159624))
    # the pooled row: the same figures, but no interval and no test (descriptive only)
    pooled = reader_stats("pooled", calls, repeats, descriptive=True)
    assert (pooled.accuracy, pooled.auc) == (s.accuracy, s.auc)
    assert pooled.p_value is pooled.auc_ci is pooled.accuracy_ci is pooled.specificity_ci is None


def test_the_auc_counts_ties_as_halves_and_its_interval_is_reproducible():
    truth = np.array([True, True, False, False])
    assert auc_with_interval(truth, np.array([3.0, 3.0, 3.0, 3.0]))[0] == 0.5
    scores = np.array([9.0, 4.0, 4.0, 2.0])  # pairs: 1, 1, 0.5, 1 -> 3.5 / 4
    first = auc_with_interval(truth, scores, seed=1)
    assert first[0] == pytest.approx(0.875)
    assert auc_with_interval(truth, scores, seed=1) == first
    assert auc_with_interval(np.array([True, True]), np.array([1.0, 2.0])) == (None, None)


def test_cohen_kappa_per_pair_on_the_images_both_answered():
    calls = {
        "A": {"a": "synthetic", "b": "synthetic", "c": "real", "d": "real", "e": "real"},
        "B": {"a": "synthetic", "b": "real", "c": "real", "d": "real"},
        "C": {"a": "real", "b": "real"},
    }
    kappas = {tuple(k["readers"]): k for k in cohen_kappas(calls)}
    # A and B on a-d: agreement 3/4, chance .5 x .25 + .5 x .75 = .5 -> (.75 - .5) / .5
    assert kappas[("A", "B")]["kappa"] == pytest.approx(0.5)
    assert kappas[("A", "B")]["n"] == 4
    # B and C on a, b: agreement 1/2, chance .5 x 0 + .5 x 1 = .5 -> 0
    assert kappas[("B", "C")]["kappa"] == pytest.approx(0.0) and kappas[("B", "C")]["n"] == 2
    assert set(kappas) == {("A", "B"), ("A", "C"), ("B", "C")}


def test_fleiss_kappa_of_the_published_worked_example():
    table = np.array(
        [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ]
    )
    assert fleiss_kappa(table) == pytest.approx(0.20993, abs=5e-5)
    assert fleiss_kappa(np.array([[2, 0], [0, 2], [2, 0]])) == pytest.approx(1.0)
    assert fleiss_kappa(np.array([[2, 0], [2, 0]])) is None  # one category: undefined
    assert fleiss_kappa(np.array([[1, 0]])) is None  # one rater


def test_fleiss_counts_only_images_every_reader_answered():
    calls = {"A": {"a": "real", "b": "synthetic", "c": "real"}, "B": {"a": "real", "b": "real"}}
    np.testing.assert_array_equal(calls_by_image(calls), [[2, 0], [1, 1]])
