"""The metrics on constructed data whose answers are known: Fréchet distances of Gaussians, KID's
unbiasedness, precision/recall on constructed manifolds, radiomic features against
scikit-image, memorisation of planted copies."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg

from mammogan_core.metrics.compare import scaler
from mammogan_core.metrics.features import extract, flips, random_extractor
from mammogan_core.metrics.frechet import Gaussian, fit_gaussian, frechet_distance
from mammogan_core.metrics.kid import kid
from mammogan_core.metrics.memorisation import check_memorisation, real_sample
from mammogan_core.metrics.nearest import knn
from mammogan_core.metrics.precision_recall import precision_recall
from mammogan_core.metrics.radiomics import (
    ANGLES,
    DISTANCES,
    GLCM_PROPS,
    LEVELS,
    NAMES,
    _glcm,
    radiomic_features,
)
from mammogan_core.metrics.resample import PairStats, draws


def random_psd(d: int, seed: int) -> np.ndarray:
    a = np.random.default_rng(seed).normal(size=(d, d))
    return a @ a.T / d + 0.1 * np.eye(d)


# ---------------------------------------------------------------------------- Fréchet
def test_identical_sets_have_a_frechet_distance_of_zero() -> None:
    feats = np.random.default_rng(0).normal(size=(500, 64))
    g = fit_gaussian(feats)
    assert frechet_distance(g, g) == pytest.approx(0.0, abs=1e-8 * np.trace(g.sigma))


def test_the_frechet_distance_of_two_gaussians_is_the_analytic_value() -> None:
    # diagonal covariances: d² = |mu1 - mu2|² + Σ (s1 + s2 - 2 √(s1 s2))
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    s1, s2 = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 1.0])
    expected = ((mu1 - mu2) ** 2).sum() + (s1 + s2 - 2 * np.sqrt(s1 * s2)).sum()
    got = frechet_distance(Gaussian(mu1, np.diag(s1), 0), Gaussian(mu2, np.diag(s2), 0))
    assert got == pytest.approx(expected, rel=1e-10)
    # full covariances: pytorch-fid's formula (scipy's sqrtm of the product) gives the same
    a, b = random_psd(40, 1), random_psd(40, 2)
    mu = np.random.default_rng(3).normal(size=40)
    reference = mu @ mu + np.trace(a) + np.trace(b) - 2 * np.trace(scipy.linalg.sqrtm(a @ b)).real
    got = frechet_distance(Gaussian(mu, a, 0), Gaussian(np.zeros(40), b, 0))
    assert got == pytest.approx(reference, rel=1e-8)


def test_sampled_gaussians_approach_the_analytic_value() -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(0, 1, size=(20000, 4))
    y = rng.normal(2, 2, size=(20000, 4))
    expected = 4 * 2**2 + 4 * (1 + 4 - 2 * 2)  # |mu|² + Σ (1 + 4 - 2·√4)
    assert frechet_distance(fit_gaussian(x), fit_gaussian(y)) == pytest.approx(expected, rel=0.03)


# ---------------------------------------------------------------------------- KID
def test_kid_is_unbiased_on_small_sets() -> None:
    """Two samples of one distribution: KID values spread around 0 (the biased estimate would
    sit well above 0 at 30 samples); another distribution: clearly positive."""
    rng = np.random.default_rng(5)
    same = [
        kid(rng.normal(size=(30, 16)), rng.normal(size=(30, 16)), subsets=1)[0] for _ in range(200)
    ]
    assert abs(np.mean(same)) < 3 * np.std(same) / np.sqrt(len(same))
    assert min(same) < 0 < max(same)
    shifted = kid(rng.normal(size=(30, 16)), rng.normal(0.7, 1, size=(30, 16)), subsets=10)[0]
    assert shifted > 5 * np.std(same)


def test_kid_reports_a_spread_over_subsets() -> None:
    rng = np.random.default_rng(6)
    mean, std = kid(rng.normal(size=(300, 8)), rng.normal(0.3, 1, size=(300, 8)), subset_size=100)
    assert mean > 0 and 0 < std < mean


# ---------------------------------------------------------------------------- precision/recall
def test_precision_and_recall_on_constructed_manifolds() -> None:
    rng = np.random.default_rng(7)
    real = rng.uniform(0, 1, size=(1000, 2))
    # half the synthetic points off the real manifold: precision about 0.5, recall full
    off = np.concatenate([rng.uniform(0, 1, (500, 2)), rng.uniform(10, 11, (500, 2))])
    p, r = precision_recall(real, off)
    assert p == pytest.approx(0.5, abs=0.05) and r > 0.9
    # synthetic points covering the left half only: precision full, recall about 0.5
    half = rng.uniform(0, 1, (1000, 2)) * [0.5, 1.0]
    p, r = precision_recall(real, half)
    assert p > 0.95 and r == pytest.approx(0.5, abs=0.08)


def test_knn_excludes_each_point_itself() -> None:
    pts = np.array([[0.0], [1.0], [3.0]])
    dist, idx = knn(pts, pts, k=1, exclude=np.arange(3))
    assert idx[:, 0].tolist() == [1, 0, 1] and dist[:, 0].tolist() == [1.0, 1.0, 2.0]


def diversity(real: np.ndarray, fake: np.ndarray) -> float:
    rows = draws(len(real), 0, np.random.default_rng(0))
    return float(PairStats(real, fake).diversity(rows, rows)[0])


def test_diversity_of_a_collapsed_set_is_low() -> None:
    rng = np.random.default_rng(8)
    real = rng.normal(size=(400, 8))
    assert diversity(real, rng.normal(size=(400, 8))) == pytest.approx(1.0, abs=0.05)
    assert diversity(real, rng.normal(0, 0.1, size=(400, 8))) < 0.2


# ---------------------------------------------------------------------------- patches
def textures(n: int, seed: int) -> np.ndarray:
    """Smooth random textures with a bright blob: distinct 128 x 128 uint8 patches."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:128, :128]
    noise = rng.normal(size=(n, 16, 16))
    base = np.kron(noise, np.ones((8, 8)))  # blocky low-frequency texture
    cy, cx = rng.integers(30, 98, (2, n))
    blob = np.exp(-((yy - cy[:, None, None]) ** 2 + (xx - cx[:, None, None]) ** 2) / 300.0)
    return np.clip(110 + 25 * base + 100 * blob + rng.normal(0, 4, (n, 128, 128)), 0, 255).astype(
        np.uint8
    )


def test_radiomic_glcm_features_are_scikit_images() -> None:
    from skimage.feature import graycomatrix, graycoprops

    images = textures(3, 9)
    images[2] = 77  # a flat patch: graycoprops' correlation is 1
    ours = _glcm(images)
    for k, img in enumerate(images):
        m = graycomatrix(img // 8, DISTANCES, ANGLES, levels=LEVELS, symmetric=True, normed=True)
        ref = np.concatenate([graycoprops(m, p).mean(axis=1) for p in GLCM_PROPS])
        np.testing.assert_allclose(ours[k], ref, rtol=1e-9, atol=1e-12)


def test_radiomic_features_and_frd() -> None:
    a, b = textures(120, 10), textures(120, 11)
    fa, fb = radiomic_features(a), radiomic_features(b)
    assert fa.shape == (120, len(NAMES)) and np.isfinite(fa).all()
    np.testing.assert_allclose(fa[:, NAMES.index("mean")], a.reshape(120, -1).mean(1))
    np.testing.assert_allclose(fa[:, NAMES.index("std")], a.reshape(120, -1).std(1))
    mean, std = scaler(fa)

    def frd(x: np.ndarray, y: np.ndarray) -> float:
        rows = draws(len(x), 0, np.random.default_rng(0))
        return float(PairStats((x - mean) / std, (y - mean) / std).fd(rows, rows)[0])

    assert frd(fa, fa) == pytest.approx(0.0, abs=1e-6)
    darker = radiomic_features((a // 2).astype(np.uint8))
    assert frd(fa, darker) > 10 * frd(fa, fb)


def test_the_weights_free_extractor_is_fixed() -> None:
    ex1, ex2 = random_extractor(), random_extractor()
    assert ex1.sha256 == ex2.sha256
    images = textures(4, 12)
    np.testing.assert_array_equal(extract(ex1, images), extract(ex2, images))


def memorisation_of(real: np.ndarray, fake: np.ndarray):
    ex = random_extractor()
    rf = extract(ex, real)
    mean, std = rf.mean(0), rf.std(0) + 1e-6
    sample = real_sample(len(real))
    fake_flips = {
        k: (extract(ex, np.ascontiguousarray(v)) - mean) / std for k, v in flips(fake).items()
    }
    real_flips = {
        k: (extract(ex, np.ascontiguousarray(v)) - mean) / std
        for k, v in flips(real[sample]).items()
    }
    return check_memorisation(real, fake, (rf - mean) / std, fake_flips, real_flips, sample)


def test_a_planted_copy_and_a_flipped_copy_are_flagged_and_fresh_samples_are_not() -> None:
    real = textures(80, 13)
    fresh = textures(30, 14)
    fake = fresh.copy()
    fake[5] = real[17]  # a training patch copied
    fake[9] = real[42][:, ::-1]  # a training patch flipped left-right
    fake[12] = np.clip(real[3].astype(int) + 1, 0, 255)  # a copy one grey level brighter
    memo = memorisation_of(real, fake)
    flagged = {s["index"]: s for s in memo.suspects}
    assert set(flagged) == {5, 9, 12}
    assert flagged[5]["real_index"] == 17 and flagged[5]["pixel_rms"] == 0.0
    assert flagged[9]["real_index"] == 42 and flagged[9]["flip"] == "h"
    assert flagged[12]["real_index"] == 3 and "pixels" in flagged[12]["by"]
    # the scale: real-to-real neighbours are far apart compared with the copies
    assert np.percentile(memo.real_pixels, 5) > 5 * max(s["pixel_rms"] for s in memo.suspects)
    assert not memorisation_of(real, fresh).suspects
