"""Synthetic lesions for an export, drawn by `mammogan generate`'s own sampler, so latent index
i of seed S is `sample_i.png` of `mammogan generate --seed S`, on any device."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..control import Control
from .plan import SyntheticSource


def synthetic_images(
    source: SyntheticSource,
    n: int,
    seed: int,
    device: str,
    dtype: str,
    control: Control,
    condition: str = "",
) -> Iterator[np.ndarray]:
    """`n` images (128 x 128, `dtype`), one at a time, in latent index order (of `condition`
    for a conditional generator)."""
    from ..training.devices import resolve_device
    from ..training.generate import generator_from_file, sample_batches

    # a run's checkpoint carries its own model spec, which wins over the preset
    g, _ = generator_from_file(source.path, source.preset)
    for batch in sample_batches(g, n, seed, resolve_device(device), control, condition):
        yield from to_dtype(batch.numpy()[:, 0], dtype)


def to_dtype(images: np.ndarray, dtype: str) -> np.ndarray:
    """Generator output in [-1, 1] as the export's integers (uint8 exactly as `generate`'s PNGs)."""
    top = np.iinfo(dtype).max
    return np.clip(np.rint((images + 1.0) * (top / 2.0)), 0, top).astype(dtype)
