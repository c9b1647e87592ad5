"""The real patches that choose a training run's best checkpoint: patches the generator does not
train on, so that 'best' rewards realism rather than copying the training patches. They are the
run's own selection (label, lesion types, pathology) in the validation split, when the run
trains on another split. When there is no such set (a run on every split, on the validation
split itself, on a study fold's patients, or fewer than MIN_HELD_OUT validation patches), the
training patches are used, and the words say why; they are logged and stored with every
check's provenance."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch

from ..training.config import TrainConfig
from ..training.data import describe_selection, select_patch_ids
from ..workspace import Workspace
from .selection import SAMPLE_METRICS

HELD_OUT_SPLIT = "val"
MIN_HELD_OUT = 10


def selection_reference(
    ws: Workspace, config: TrainConfig, patients: frozenset[str] | None, training: torch.Tensor
) -> tuple[np.ndarray | torch.Tensor, str]:
    """(the reference patches, what they are in words). Nothing is read for a metric that is
    not evaluated on samples."""
    if config.best_metric not in SAMPLE_METRICS:
        return training, ""
    if patients is not None:
        why = "the run trains on a study fold's patients"
    elif config.split in (None, HELD_OUT_SPLIT):
        why = f"the run trains on {'every split' if config.split is None else 'the val split'}"
    else:
        held_out = replace(config, split=HELD_OUT_SPLIT)
        ids = select_patch_ids(ws, held_out)
        if len(ids) >= MIN_HELD_OUT:
            words = f"held out: {len(ids)} {describe_selection(held_out)}"
            return ws.patch_pixels(ids, "uint8"), words
        why = f"{len(ids)} {describe_selection(held_out)} (at least {MIN_HELD_OUT} needed)"
    return training, (
        f"the run's training patches ({describe_selection(config)}), not held-out ones: {why} "
        "(it may reward copying them)"
    )
