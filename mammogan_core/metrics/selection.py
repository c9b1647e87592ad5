"""The metric that picks a training run's best checkpoint (`best_metric`), evaluated on
`eval_samples` generated patches every `eval_every` epochs (the seed: FID on 2,000 samples every
10 epochs) against real patches the generator does not train on (selection_reference.py: the
validation split's, else the training patches, said so).

`fid` needs an Inception weights file; without one the run says so at its start and falls back
to `kid`: KID on the weights-free random-conv features, never silently to the last checkpoint.
The reference set's features are computed once, at the start of the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .compare import scaler
from .features import Extractor, extract, inception_extractor, random_extractor
from .frechet import Gaussian, fit_gaussian, frechet_distance
from .inception import NO_WEIGHTS_NOTE
from .kid import kid
from .samples import sample_patches
from .user_settings import inception_weights

SAMPLE_METRICS = ("fid", "kid")  # evaluated on generated samples
FALLBACK = "kid"
MIN_REFERENCE = 2  # KID's unbiased estimate and a covariance need two samples at least
REFERENCE_MAX = 10_000  # real patches in the reference (a seeded sample of larger sets)
KID_SUBSETS = 20  # fewer than a report's 100: selection ranks checkpoints of one run
SAMPLE_SEED = 7_654_321  # its own noise stream: evaluating never moves training's


@dataclass
class SelectionMetric:
    name: str
    extractor: Extractor
    samples: int
    device: torch.device
    reference: np.ndarray | None = None  # standardised features (kid)
    gaussian: Gaussian | None = None  # fid
    scale: tuple[np.ndarray, np.ndarray] | None = None  # mean, std of the reference features
    n_real: int = 0
    reference_set: str = "the run's training patches"  # in words

    def __call__(self, g: torch.nn.Module) -> float:
        fake = sample_patches(g, self.samples, SAMPLE_SEED, self.device)
        feats = extract(self.extractor, fake, self.device)
        if self.name == "fid":
            return frechet_distance(self.gaussian, fit_gaussian(feats))  # type: ignore[arg-type]
        mean, std = self.scale  # type: ignore[misc]
        return kid(self.reference, (feats - mean) / std, subsets=KID_SUBSETS)[0]  # type: ignore[arg-type]

    def provenance(self) -> dict[str, Any]:
        return {
            **self.extractor.provenance(),
            "n_real": self.n_real,
            "n_fake": self.samples,
            "seed": SAMPLE_SEED,
            "reference": self.reference_set,
            "purpose": "best checkpoint",
        }


def choose_selection(
    name: str,
    weights: str,
    samples: int,
    real: torch.Tensor | np.ndarray,
    device: torch.device,
    reference: str = "the run's training patches",
) -> tuple[SelectionMetric | None, str | None]:
    """The metric `name` (None when it is not evaluated on samples, e.g. loss_g_ema) and, when
    FID cannot run, the warning that says what replaces it."""
    if name not in SAMPLE_METRICS:
        return None, None
    warning = None
    path = inception_weights(weights) if name == "fid" else None
    if name == "fid" and path is None:
        name, warning = (
            FALLBACK,
            f"'best' is chosen by {FALLBACK} (KID on weights-free random-conv features) instead "
            f"of fid: {NO_WEIGHTS_NOTE}",
        )
    ref = real.cpu().numpy() if isinstance(real, torch.Tensor) else np.asarray(real)
    ref = ref[:, 0] if ref.ndim == 4 else ref
    if len(ref) < MIN_REFERENCE:  # a tiny selection (a test, a first look at a dataset)
        return None, (
            f"'best' cannot be chosen by {name}: {len(ref)} training patch(es), at least "
            f"{MIN_REFERENCE} needed; best.pt is not written and 'best' means the last checkpoint"
        )
    if len(ref) > REFERENCE_MAX:
        keep = np.random.default_rng(0).choice(len(ref), REFERENCE_MAX, replace=False)
        ref = ref[np.sort(keep)]
    ex = inception_extractor(str(path)) if path is not None else random_extractor()
    feats = extract(ex, ref, device)
    metric = SelectionMetric(name, ex, samples, device, n_real=len(ref), reference_set=reference)
    if name == "fid":
        metric.gaussian = fit_gaussian(feats)
    else:
        metric.scale = scaler(feats)  # the evaluation's z-scoring (a nearly dead channel kept sane)
        metric.reference = (feats - metric.scale[0]) / metric.scale[1]
    return metric, warning
