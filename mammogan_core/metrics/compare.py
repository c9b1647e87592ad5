"""Every figure between a real and a synthetic set of patches, with a bootstrap 95% interval, and
the same figure between two disjoint sets of real patches of the same sizes (the floor a perfect
generator would reach at this sample size), with its interval.

The sets: the real patches are shuffled and split into a reference set A and a held-out set B of
m patches each; m synthetic patches S are drawn. Every figure is (A, S), its floor (A, B), so the
two differ only in what the second set is: m = min(synthetic, real / 2, MAX_SET). With few real
patches m is small and the figures are at that size, stated beside them (n_real, n_synthetic),
with a warning under FEW_REAL. Features are z-scored with the reference set's statistics (the
held-out real set and the synthetic one are treated alike; see `scaler`).

Weights-free (always): KID, precision/recall, diversity and the 1-NN test on the random-conv
features, the radiomics FD on the radiomic features. With an Inception weights file: FID, and
KID, precision/recall and the 1-NN test on Inception features too (`inception_*`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .registry import INCEPTION, METRICS, RADIOMIC, RANDOM, MetricSpec
from .resample import PairStats, draws

MAX_SET = 2000  # per set: pair matrices of 2000 x 2000, a few seconds of resampling on 2 cores
BOOTSTRAP = 100  # resamples per interval
FEW_REAL = 100
MIN_SET = 5  # patches per set: precision/recall's k = 3 neighbours need a few more


@dataclass
class SetFeatures:
    """The features of one set of patches, one array per feature space (rows aligned)."""

    random: np.ndarray
    radiomic: np.ndarray
    inception: np.ndarray | None = None

    def take(self, rows: np.ndarray) -> SetFeatures:
        return SetFeatures(
            self.random[rows],
            self.radiomic[rows],
            None if self.inception is None else self.inception[rows],
        )

    def space(self, name: str) -> np.ndarray | None:
        return {RANDOM: self.random, RADIOMIC: self.radiomic, INCEPTION: self.inception}[name]

    def __len__(self) -> int:
        return len(self.random)


@dataclass(frozen=True)
class Estimate:
    """One figure: its value and interval, its real-vs-real floor and interval, the set sizes
    and the feature space (the extractor's name)."""

    value: float
    ci: tuple[float, float]
    floor: float
    floor_ci: tuple[float, float]
    n_real: int
    n_synthetic: int
    features: str

    @property
    def indistinguishable(self) -> bool:
        """The intervals of the figure and its floor overlap."""
        return self.ci[0] <= self.floor_ci[1] and self.floor_ci[0] <= self.ci[1]

    def to_dict(self, spec: MetricSpec) -> dict:
        """As --json and report.json give it: in the unit the label names (KID x 10³)."""

        def shown(v: float) -> float | None:
            return spec.shown(v)

        return {
            "value": shown(self.value),
            "ci": [shown(self.ci[0]), shown(self.ci[1])],
            "floor": shown(self.floor),
            "floor_ci": [shown(self.floor_ci[0]), shown(self.floor_ci[1])],
            "n_real": self.n_real,
            "n_synthetic": self.n_synthetic,
            "features": self.features,
            "label": spec.label,
            "indistinguishable_from_real": self.indistinguishable,
        }


def set_size(n_real: int, n_fake: int) -> int:
    return min(n_fake, n_real // 2, MAX_SET)


LEAST_SPREAD = 0.1  # of the median spread: a dimension's smallest divisor


def scaler(reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean and standard deviation that z-score a feature space. A dimension almost constant
    in the reference (a channel that fires in few patches) is divided by a tenth of the median
    spread at least: divided by its own tiny spread, a patch where it fires lay hundreds of
    spreads out, and the cubic kernel made KID's floor 13 million."""
    mean, std = reference.mean(axis=0), reference.std(axis=0)
    positive = std[std > 0]
    least = LEAST_SPREAD * float(np.median(positive)) if len(positive) else 1.0
    return mean, np.maximum(std, least)


_BOUNDS = {"precision": (0.0, 1.0), "recall": (0.0, 1.0), "nn_accuracy": (0.0, 1.0)}


def interval(values: np.ndarray, stat: str) -> tuple[float, float]:
    """The 95% percentile interval of the resamples (values[1:]) shifted by the bootstrap's
    estimate of its bias (their mean minus the figure, values[0]): drawing a row twice biases
    the Fréchet distance and the neighbour figures of a resample (fewer distinct points), and
    the shift keeps only the spread the resampling measures."""
    shift = values[1:].mean() - values[0]
    lo, hi = np.percentile(values[1:] - shift, (2.5, 97.5))
    low, high = _BOUNDS.get(stat, (0.0 if stat in ("fd", "diversity") else -np.inf, np.inf))
    return float(np.clip(lo, low, high)), float(np.clip(hi, low, high))


@dataclass(frozen=True)
class Sets:
    """Rows of the sets a measurement compares: `reference` and `held_out` of the real set,
    `synthetic` of the synthetic one, m each."""

    reference: np.ndarray
    held_out: np.ndarray
    synthetic: np.ndarray


def draw_sets(n_real: int, n_fake: int, seed: int = 0) -> Sets:
    m = set_size(n_real, n_fake)
    if m < MIN_SET:
        raise ValueError(
            f"the figures need {MIN_SET} patches per set: at least {2 * MIN_SET} real and "
            f"{MIN_SET} synthetic (got {n_real} real, {n_fake} synthetic)"
        )
    rng = np.random.default_rng(seed)
    order = rng.permutation(n_real)
    return Sets(order[:m], order[m : 2 * m], np.sort(rng.choice(n_fake, m, replace=False)))


def compare(
    real: SetFeatures,
    fake: SetFeatures,
    feature_names: dict[str, str],
    seed: int = 0,
    replicates: int = BOOTSTRAP,
    device: torch.device | str = "cpu",
    sets: Sets | None = None,
) -> dict[str, Estimate]:
    """Every declared figure whose feature space both sets have. `feature_names`: space ->
    the extractor's name, recorded beside each figure. `sets` already drawn (`draw_sets`):
    `fake` then holds the features of its m synthetic patches only (the costly feature spaces
    need no more)."""
    if sets is None:
        sets = draw_sets(len(real), len(fake), seed)
        fake = fake.take(sets.synthetic)
    m = len(sets.reference)
    rng = np.random.default_rng([seed, 1])  # the resamples: apart from the sets' draw
    ia, is_, ia_floor, ib = (draws(m, replicates, rng) for _ in range(4))
    device = str(device)
    out: dict[str, Estimate] = {}
    for space in (RANDOM, RADIOMIC, INCEPTION):
        full, other = real.space(space), fake.space(space)
        if full is None or other is None:
            continue
        ref, held = full[sets.reference], full[sets.held_out]
        if space == INCEPTION:  # FID's convention: the network's features as they are
            mean, std = np.zeros(full.shape[1]), np.ones(full.shape[1])
        else:
            mean, std = scaler(ref)  # the reference's: held-out and synthetic sets alike
        ref, held, synth = ((x - mean) / std for x in (ref, held, other))
        specs = [spec for spec in METRICS if spec.space == space]
        stats = {spec.stat for spec in specs}
        values = PairStats(ref, synth).figures(stats, ia, is_, device)
        floors = PairStats(ref, held).figures(stats, ia_floor, ib, device)
        for spec in specs:
            v, f = values[spec.stat], floors[spec.stat]
            out[spec.name] = Estimate(
                float(v[0]),
                interval(v, spec.stat),
                float(f[0]),
                interval(f, spec.stat),
                m,
                m,
                feature_names.get(space, space),
            )
    return out


def few_real_warning(n_real: int, n_fake: int) -> str | None:
    if n_real >= FEW_REAL:
        return None
    m = set_size(n_real, n_fake)
    return (
        f"the real reference has {n_real} patches (fewer than {FEW_REAL}): every figure compares "
        f"{m} real with {m} synthetic patches and its floor the same {m} real with {m} other "
        "real ones, so the intervals are wide; more real patches give firmer figures"
    )
