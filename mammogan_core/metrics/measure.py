"""One measurement of a synthetic set against a real set: features (the reference set's from the
cache when it has them), every figure with its interval and its floor (compare.py), and the
memorisation check. A generator of events (progress per stage and per chunk of features) that
returns a `Measurement`."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..control import Control
from ..errors import InputError
from ..events import Event, Log, Progress
from . import radiomics
from .cache import cache_path, load_cached, save_cached
from .compare import BOOTSTRAP, MIN_SET, Estimate, SetFeatures, compare, draw_sets, few_real_warning
from .features import Extractor, extract, flips, inception_extractor, random_extractor
from .inception import NO_WEIGHTS_NOTE, custom_weights_label
from .memorisation import Memorisation, check_memorisation, real_sample
from .registry import INCEPTION, RADIOMIC, RANDOM
from .resample import fd_resamples

MIN_SAMPLES = 2 * MIN_SET  # real ones split in two sets of at least MIN_SET
CHUNK = 512  # images per progress report
RADIOMICS_NAME = "radiomics-skimage-v1"
RADIOMICS_SHA = hashlib.sha256(",".join(radiomics.NAMES).encode()).hexdigest()


@dataclass
class Measurement:
    estimates: dict[str, Estimate]  # registry name -> figure, interval, floor
    memorisation: Memorisation
    spaces: dict[str, dict[str, str]]  # feature space -> provenance
    fid_note: str | None
    warnings: list[str]
    custom_weights: str | None = None  # the label of every FID from non-published weights

    def values(self) -> dict[str, float]:
        return {name: e.value for name, e in self.estimates.items()}


def _features(
    ex: Extractor,
    images: np.ndarray,
    what: str,
    device: torch.device,
    control: Control,
    cache: Path | None = None,
) -> Generator[Event, None, np.ndarray]:
    return (
        yield from _chunked(
            lambda chunk: extract(ex, chunk, device, control),
            images,
            f"{ex.name}: {what}",
            control,
            cache,
        )
    )


def _radiomics(
    images: np.ndarray, what: str, control: Control, cache: Path | None = None
) -> Generator[Event, None, np.ndarray]:
    return (
        yield from _chunked(
            radiomics.radiomic_features, images, f"radiomics: {what}", control, cache
        )
    )


def _chunked(
    compute: Callable[[np.ndarray], np.ndarray],
    images: np.ndarray,
    label: str,
    control: Control,
    cache: Path | None,
) -> Generator[Event, None, np.ndarray]:
    """`compute` over CHUNK images at a time, with progress and stop; read from and written to
    `cache` when one is given."""
    found = load_cached(cache)
    if found is not None and len(found) == len(images):
        return found
    parts = []
    for start in range(0, len(images), CHUNK):
        control.check()
        parts.append(compute(images[start : start + CHUNK]))
        yield Progress(min(start + CHUNK, len(images)), len(images), label, "images")
    value = np.concatenate(parts)
    save_cached(cache, value)
    return value


def measure(
    real: np.ndarray,
    fake: np.ndarray,
    *,
    inception: Path | None,
    device: torch.device,
    control: Control,
    seed: int = 0,
    cache_folder: Path | None = None,
    real_key: str = "",
) -> Generator[Event, None, Measurement]:
    """`real`, `fake`: N x 128 x 128 uint8. `cache_folder` + `real_key` (the hash of the
    reference set's patch ids): where the real set's features are kept between runs."""
    if len(real) < MIN_SAMPLES or len(fake) < MIN_SET:
        raise InputError(
            f"the metrics need at least {MIN_SAMPLES} real and {MIN_SET} synthetic patches "
            f"(got {len(real)} real, {len(fake)} synthetic)"
        )
    warnings = [w for w in (few_real_warning(len(real), len(fake)),) if w]
    for w in warnings:
        yield Log(w, "warning")

    def cached(name: str, sha: str) -> Path | None:
        return cache_path(cache_folder, name, sha, real_key) if cache_folder else None

    rand = random_extractor()
    spaces = {
        "random": rand.provenance(),
        "radiomic": {"extractor": RADIOMICS_NAME, "weights_sha256": RADIOMICS_SHA},
    }
    real_f = SetFeatures(
        (yield from _features(rand, real, "real", device, control, cached(rand.name, rand.sha256))),
        (yield from _radiomics(real, "real", control, cached(RADIOMICS_NAME, RADIOMICS_SHA))),
    )
    fake_flips = {}
    for name, variant in flips(fake).items():
        what = "synthetic" + ("" if name == "none" else f" (flip {name})")
        fake_flips[name] = yield from _features(
            rand, np.ascontiguousarray(variant), what, device, control
        )
    # the figures compare m synthetic patches; only memorisation needs them all (random-conv)
    sets = draw_sets(len(real), len(fake), seed)
    compared = np.ascontiguousarray(fake[sets.synthetic])
    fake_f = SetFeatures(
        fake_flips["none"][sets.synthetic], (yield from _radiomics(compared, "synthetic", control))
    )
    fid_note = custom = None
    names = {RANDOM: rand.name, RADIOMIC: f"{RADIOMICS_NAME} (38 features)"}
    if inception is None:
        fid_note = NO_WEIGHTS_NOTE
        yield Log(f"FID skipped: {fid_note}", "warning")
    else:
        inc = inception_extractor(str(inception))
        spaces["inception"] = inc.provenance()
        custom = custom_weights_label(inc.sha256)
        names[INCEPTION] = inc.name + (f", {custom}" if custom else "")
        if custom:
            spaces["inception"]["custom_weights"] = custom
            warnings.append(f"Inception weights {inception}: {custom}")
            yield Log(warnings[-1], "warning")
        real_f.inception = yield from _features(
            inc, real, "real", device, control, cached(inc.name, inc.sha256)
        )
        fake_f.inception = yield from _features(inc, compared, "synthetic", device, control)
    m = len(sets.synthetic)
    yield Log(
        f"comparing {m} real with {m} synthetic patches and, for the floor, with {m} other real "
        "ones (bootstrap intervals)"
    )
    sample = real_sample(len(real), seed)
    real_sample_flips = {
        name: (
            real_f.random[sample]
            if name == "none"
            else extract(rand, np.ascontiguousarray(v), device, control)
        )
        for name, v in flips(real[sample]).items()
    }
    mean, std = real_f.random.mean(axis=0), real_f.random.std(axis=0)
    std = np.where(std > 0, std, 1.0)

    def scaled(x: np.ndarray) -> np.ndarray:  # the feature space the metrics compare in
        return (x - mean) / std

    memo = check_memorisation(
        real,
        fake,
        scaled(real_f.random),
        {k: scaled(v) for k, v in fake_flips.items()},
        {k: scaled(v) for k, v in real_sample_flips.items()},
        sample,
    )
    if real_f.inception is not None:
        resamples = fd_resamples(BOOTSTRAP, m, real_f.inception.shape[1], device)
        if resamples < BOOTSTRAP:
            yield Log(
                f"FID's interval from {resamples} resamples (the others' from {BOOTSTRAP}): on "
                f"the CPU each takes seconds at {m} patches; --device cuda gives all of them",
                "warning",
            )
    estimates = compare(real_f, fake_f, names, seed, device=device, sets=sets)
    return Measurement(estimates, memo, spaces, fid_note, warnings, custom)


def provenance(m: Measurement, n_real: int, n_fake: int, seed: int, **more: Any) -> dict:
    sizes = {name: [e.n_real, e.n_synthetic] for name, e in m.estimates.items()}
    return {
        "feature_spaces": m.spaces,
        "n_real": n_real,
        "n_fake": n_fake,
        "compared": sizes,
        "seed": seed,
        **more,
    }
