"""Synthetic patches in memory for evaluation, drawn as `mammogan generate` draws them: z ~ N(0, 1)
on the CPU from the seed, so a seed gives the same patches on any device."""

from __future__ import annotations

import numpy as np
import torch

from ..control import Control
from ..models import sample_classes
from ..training.data import to_uint8

BATCH = 64


def sample_patches(
    g: torch.nn.Module,
    n: int,
    seed: int,
    device: torch.device,
    control: Control | None = None,
    condition: int | None = None,
) -> np.ndarray:
    """N x 128 x 128 uint8 samples of `g` in eval mode (its training mode is restored); a
    conditional g draws class `condition`, or its classes in turn."""
    was_training = g.training
    g.eval()
    gen = torch.Generator().manual_seed(seed)
    out = []
    try:
        with torch.no_grad():
            for start in range(0, n, BATCH):
                if control is not None:
                    control.check()
                z = torch.randn(min(BATCH, n - start), g.nz, 1, 1, generator=gen).to(device)
                y = sample_classes(g, start, len(z), condition, device)
                out.append(to_uint8(g(z, y).float()).cpu().numpy()[:, 0])
    finally:
        g.train(was_training)
    return np.concatenate(out)
