"""Every quality figure declared once: its name (the key in --json, report.json, the `metrics`
table and the app), its label with the unit, the scale it is shown at, which way is better and
the feature space it is computed in. The CLI table, the report, the JSON and the Evaluate panel
all read these declarations, so a figure has one name and one unit everywhere."""

from __future__ import annotations

import math
from dataclasses import dataclass

RANDOM, RADIOMIC, INCEPTION = "random", "radiomic", "inception"  # feature spaces
LOWER, HIGHER, ONE, HALF = "lower", "higher", "1", "0.5"  # better: lower, higher, near 1 or 0.5


@dataclass(frozen=True)
class MetricSpec:
    name: str
    label: str  # the unit included, e.g. "KID (×10³)"
    space: str  # RANDOM | RADIOMIC | INCEPTION
    better: str  # LOWER | HIGHER | ONE | HALF
    stat: str  # what resample.py computes: fd, kid, precision, recall, diversity, nn_accuracy
    help: str
    scale: float = 1.0  # shown value = stored value x scale (stored values are unscaled)

    def shown(self, value: float | None) -> float | None:
        return None if value is None or not math.isfinite(value) else value * self.scale

    def text(self, value: float | None) -> str:
        shown = self.shown(value)
        return "–" if shown is None else f"{shown:.4g}"

    @property
    def direction(self) -> str:
        return {
            LOWER: "lower is better",
            HIGHER: "higher is better",
            ONE: "1 = as varied as real",
            HALF: "0.5 = indistinguishable, 1 = separable",
        }[self.better]


_KID_HELP = "kernel inception distance (unbiased squared MMD, cubic kernel), shown x 10³"
_NN_HELP = (
    "1-nearest-neighbour leave-one-out accuracy between equal numbers of real and synthetic "
    "patches (Lopez-Paz & Oquab 2017)"
)
RADIOMICS_LABEL = "Radiomics FD (38 scikit-image features)"
RADIOMICS_NOTE = (
    "radiomics FD: the Fréchet distance on 38 scikit-image texture features (first-order, GLCM, "
    "LBP; radiomics.py), an approximation, not the published Fréchet Radiomics Distance "
    "(pyradiomics' feature set is not computed)"
)

METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("fid", "FID", INCEPTION, LOWER, "fd", "Fréchet Inception distance"),
    MetricSpec("kid", "KID (×10³)", RANDOM, LOWER, "kid", _KID_HELP, scale=1e3),
    MetricSpec(
        "precision",
        "Precision",
        RANDOM,
        HIGHER,
        "precision",
        "share of synthetic in the real manifold",
    ),
    MetricSpec(
        "recall", "Recall", RANDOM, HIGHER, "recall", "share of real in the synthetic manifold"
    ),
    MetricSpec(
        "diversity", "Diversity", RANDOM, ONE, "diversity", "mean pair distance, synthetic / real"
    ),
    MetricSpec("radiomics_fd", RADIOMICS_LABEL, RADIOMIC, LOWER, "fd", RADIOMICS_NOTE),
    MetricSpec("nn_accuracy", "1-NN accuracy", RANDOM, HALF, "nn_accuracy", _NN_HELP),
    MetricSpec(
        "inception_kid", "KID Inception (×10³)", INCEPTION, LOWER, "kid", _KID_HELP, scale=1e3
    ),
    MetricSpec(
        "inception_precision", "Precision Inception", INCEPTION, HIGHER, "precision", "as precision"
    ),
    MetricSpec("inception_recall", "Recall Inception", INCEPTION, HIGHER, "recall", "as recall"),
    MetricSpec(
        "inception_nn_accuracy", "1-NN accuracy Inception", INCEPTION, HALF, "nn_accuracy", _NN_HELP
    ),
)
BY_NAME = {m.name: m for m in METRICS}
# names stored by earlier versions (the `metrics` table, old report.json files) -> today's
LEGACY = {"kid_mean": "kid", "frd": "radiomics_fd"}


def spec(name: str) -> MetricSpec:
    return BY_NAME[LEGACY.get(name, name)]
