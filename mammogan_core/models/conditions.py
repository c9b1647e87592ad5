"""The classes a conditional generator draws: one asked-for condition, or all of them in turn."""

from __future__ import annotations

import torch

from ..errors import InputError
from .dcgan import Generator


def condition_index(g: Generator, condition: str | None) -> int | None:
    """The class index of `condition` ('mass/malignant') in g's vocabulary; None for none."""
    if not condition:
        return None
    if not g.conditions:
        raise InputError(
            f"--condition {condition}: this generator is not conditional (train with "
            "--conditional to choose a lesion type and pathology)"
        )
    if condition not in g.conditions:
        raise InputError(
            f"--condition {condition}: not among the generator's conditions "
            f"({', '.join(g.conditions)})"
        )
    return g.conditions.index(condition)


def sample_classes(
    g: Generator, start: int, count: int, index: int | None, device: torch.device
) -> torch.Tensor | None:
    """Classes of samples start..start+count-1: `index` for all, else the vocabulary in turn
    (sample i has class i mod K, so any n draws every condition evenly); None if unconditional."""
    if not g.conditions:
        return None
    if index is not None:
        return torch.full((count,), index, dtype=torch.long, device=device)
    return torch.arange(start, start + count, device=device) % len(g.conditions)
