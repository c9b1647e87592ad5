"""Intervals and floors of every figure, with negative controls: real against real is
indistinguishable from its floor, noise against real is separated by every figure and by the
1-NN two-sample test, a resampled figure equals the reference implementation on the sets as
they are, KID's interval covers the truth, and KID's floor on 20-patch sets stays of the order of
KID's spread (it was 13 million with the old per-half standardisation)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mammogan_core.metrics.compare import (
    LEAST_SPREAD,
    Estimate,
    SetFeatures,
    compare,
    few_real_warning,
    interval,
    scaler,
    set_size,
)
from mammogan_core.metrics.features import extract, random_extractor
from mammogan_core.metrics.frechet import fit_gaussian, frechet_distance
from mammogan_core.metrics.kid import mmd2_unbiased
from mammogan_core.metrics.precision_recall import precision_recall
from mammogan_core.metrics.radiomics import radiomic_features
from mammogan_core.metrics.registry import BY_NAME, METRICS, RADIOMICS_LABEL
from mammogan_core.metrics.resample import (
    FD_CPU_RESAMPLES,
    PairStats,
    counts,
    draws,
    fd_resamples,
)

from .test_metrics import textures

WEIGHTS_FREE = [m.name for m in METRICS if m.space != "inception"]


def feats(images: np.ndarray) -> SetFeatures:
    return SetFeatures(extract(random_extractor(), images), radiomic_features(images))


@pytest.fixture(scope="module")
def real_feats() -> SetFeatures:
    return feats(textures(120, 21))


def test_row_zero_of_the_resampling_is_the_reference_implementation() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(40, 6)), rng.normal(0.5, 1.2, size=(40, 6))
    pair = PairStats(x, y)
    ident = draws(40, 0, rng)
    assert pair.kid(ident, ident)[0] == pytest.approx(
        mmd2_unbiased(torch.from_numpy(x).float(), torch.from_numpy(y).float()), rel=1e-4
    )
    got = pair.neighbours(ident, ident)
    assert (got["precision"][0], got["recall"][0]) == pytest.approx(precision_recall(x, y))
    expected_fd = frechet_distance(fit_gaussian(x), fit_gaussian(y))
    assert pair.fd(ident, ident)[0] == pytest.approx(expected_fd, rel=1e-9)
    # fewer points than dimensions: the low-rank path gives the same distance
    wide_x, wide_y = rng.normal(size=(8, 20)), rng.normal(size=(8, 20))
    wide = PairStats(wide_x, wide_y).fd(draws(8, 0, rng), draws(8, 0, rng))[0]
    assert wide == pytest.approx(frechet_distance(fit_gaussian(wide_x), fit_gaussian(wide_y)))


def test_counts_and_draws() -> None:
    index = draws(5, 3, np.random.default_rng(0))
    assert index.shape == (4, 5) and (index[0] == np.arange(5)).all()
    w = counts(index)
    assert (w.sum(1) == 5).all() and (w[0] == 1).all()


def test_kid_interval_covers_the_truth_and_is_unbiased_under_resampling() -> None:
    """Two samples of one distribution (true KID 0): the interval covers 0 in most draws;
    resampled estimates stay centred (draws of one row are not paired with each other)."""
    rng = np.random.default_rng(2)
    covered, centres = 0, []
    for _ in range(40):
        pair = PairStats(rng.normal(size=(30, 8)), rng.normal(size=(30, 8)))
        ix, iy = draws(30, 100, rng), draws(30, 100, rng)
        values = pair.kid(ix, iy)
        lo, hi = interval(values, "kid")
        covered += lo <= 0 <= hi
        centres.append(values[1:].mean() - values[0])
    assert covered >= 34  # 95% nominal; 34 of 40 leaves room for chance
    assert abs(np.mean(centres)) < 3 * np.std(centres) / np.sqrt(len(centres))


def test_real_against_real_is_indistinguishable_from_its_floor(real_feats) -> None:
    other = feats(textures(80, 22))
    out = compare(real_feats, other, {}, seed=0)
    assert set(out) == set(WEIGHTS_FREE)
    for name, e in out.items():
        assert e.n_real == e.n_synthetic == set_size(120, 80) == 60
        assert e.ci[0] <= e.value <= e.ci[1] and e.floor_ci[0] <= e.floor <= e.floor_ci[1]
        assert e.indistinguishable, (name, e)


def test_noise_is_separated_from_real_by_every_figure_and_the_two_sample_test(real_feats):
    noise = np.random.default_rng(3).integers(0, 256, (80, 128, 128), dtype=np.uint8)
    out = compare(real_feats, feats(noise), {}, seed=0)
    for name, e in out.items():
        assert not e.indistinguishable, (name, e)
    assert out["nn_accuracy"].value >= 0.95 and out["nn_accuracy"].ci[0] >= 0.9
    assert out["nn_accuracy"].floor_ci[0] < 0.5 < out["nn_accuracy"].floor_ci[1] + 0.2
    assert out["kid"].value > out["kid"].floor_ci[1]
    assert out["precision"].value < out["precision"].floor_ci[0]


def test_kid_floor_on_20_patch_sets_is_of_the_order_of_its_spread() -> None:
    """Real features with a nearly dead channel (tiny spread) awake in one patch of the held-out
    set: scaled by the reference set's tiny spread, that patch made the floor explode (KID's
    floor of 13 million). Now the floor and its interval stay within ten times the width of
    KID's own interval."""
    rng = np.random.default_rng(4)

    def features(n: int) -> np.ndarray:
        x = extract(random_extractor(), textures(n, int(rng.integers(1 << 30))))
        x[:, 0] = rng.normal(0, 1e-7, n)
        return x

    def kid_of(real: np.ndarray, fake: np.ndarray) -> Estimate:
        sets = (SetFeatures(f, rng.normal(size=(len(f), 38))) for f in (real, fake))
        return compare(*sets, {}, seed=0)["kid"]

    real = features(40)
    real[np.random.default_rng(0).permutation(40)[20], 0] = 1e-3  # compare's first held-out row
    e = kid_of(real, features(20))
    spread = e.ci[1] - e.ci[0]  # the figure's own: real against synthetic of one kind
    assert e.n_real == e.n_synthetic == 20
    assert abs(e.floor) < 10 * spread
    assert e.floor_ci[1] - e.floor_ci[0] < 10 * spread


def test_a_nearly_constant_dimension_keeps_a_share_of_the_median_spread() -> None:
    x = np.random.default_rng(5).normal(size=(50, 4))
    x[:, 1] = 1e-9 * x[:, 1]
    x[:, 2] = 0.0
    _, std = scaler(x)
    assert std[1] == std[2] == pytest.approx(LEAST_SPREAD * np.median(x.std(0)[[0, 1, 3]]))
    assert std[0] == pytest.approx(x[:, 0].std())


def test_kid_is_shown_times_a_thousand_and_the_overlap_decides_the_verdict() -> None:
    kid = Estimate(0.002, (0.001, 0.003), 0.0001, (-0.001, 0.0025), 20, 20, "random-conv-v1")
    out = kid.to_dict(BY_NAME["kid"])
    assert out["value"] == pytest.approx(2.0) and out["ci"] == pytest.approx([1.0, 3.0])
    assert out["label"] == "KID (×10³)" and out["indistinguishable_from_real"] is True
    apart = Estimate(0.9, (0.85, 0.95), 0.5, (0.4, 0.6), 20, 20, "random-conv-v1")
    assert not apart.indistinguishable
    assert BY_NAME["radiomics_fd"].label == RADIOMICS_LABEL
    assert "38 scikit-image features" in RADIOMICS_LABEL


def test_few_real_patches_are_warned_about_with_the_number() -> None:
    assert few_real_warning(150, 2000) is None
    warning = few_real_warning(41, 2000)
    assert "41 patches" in warning and "fewer than 100" in warning and "20 real" in warning


def test_too_few_patches_for_two_sets_is_an_error() -> None:
    rng = np.random.default_rng(6)
    small = SetFeatures(rng.normal(size=(8, 4)), rng.normal(size=(8, 3)))
    with pytest.raises(ValueError, match="at least 10 real"):
        compare(small, small, {})


def test_large_frechet_problems_take_fewer_resamples_on_a_cpu_only() -> None:
    assert fd_resamples(100, 2000, 2048, "cpu") == FD_CPU_RESAMPLES
    assert fd_resamples(100, 2000, 2048, "cuda") == 100
    assert fd_resamples(100, 2000, 448, "cpu") == 100  # the random-conv space: cheap enough
    assert fd_resamples(100, 300, 2048, "cpu") == 100  # a small set: every resample
    rng = np.random.default_rng(7)
    pair = PairStats(rng.normal(size=(600, 600)), rng.normal(size=(600, 600)))
    out = pair.figures({"fd", "kid"}, draws(600, 30, rng), draws(600, 30, rng), "cpu")
    assert len(out["fd"]) == FD_CPU_RESAMPLES + 1 and len(out["kid"]) == 31
