"""Synthetic lesions for an export, drawn as `mammogan generate` draws them (same batches of
z ~ N(0, 1) on the CPU from the seed), so latent index i of seed S is `sample_i.png` of
`mammogan generate --seed S` and a seed gives the same images on any device."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..control import Control
from ..training.generate import BATCH
from .plan import SyntheticSource


def synthetic_images(
    source: SyntheticSource, n: int, seed: int, device: str, dtype: str, control: Control
) -> Iterator[np.ndarray]:
    """`n` images (128 x 128, `dtype`), one at a time, in latent index order."""
    import torch

    from ..training.devices import resolve_device
    from ..training.generate import generator_from_file

    # a run's checkpoint carries its own model spec, which wins over the preset
    g, _ = generator_from_file(source.path, source.preset)
    dev = resolve_device(device)
    g = g.to(dev).eval()
    noise = torch.Generator().manual_seed(seed)
    for start in range(0, n, BATCH):
        control.check()
        count = min(BATCH, n - start)
        z = torch.randn(count, g.nz, 1, 1, generator=noise).to(dev)
        with torch.no_grad():
            images = g(z).float().cpu().numpy()[:, 0]
        yield from to_dtype(images, dtype)


def to_dtype(images: np.ndarray, dtype: str) -> np.ndarray:
    """Generator output in [-1, 1] as the export's integers (uint8 exactly as `generate`'s PNGs)."""
    top = np.iinfo(dtype).max
    return np.clip(np.rint((images + 1.0) * (top / 2.0)), 0, top).astype(dtype)
