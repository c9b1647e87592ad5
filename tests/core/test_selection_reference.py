"""The best checkpoint is chosen against real patches the generator did not train on: the
validation split's (the run's own selection there), recorded with every check; without them,
the training patches, and the words say why."""

from __future__ import annotations

import json

import numpy as np
import torch

from mammogan_core.events import Log
from mammogan_core.metrics.compare import LEAST_SPREAD, scaler
from mammogan_core.metrics.features import extract, random_extractor
from mammogan_core.metrics.selection import choose_selection
from mammogan_core.metrics.selection_reference import MIN_HELD_OUT, selection_reference
from mammogan_core.training.config import TrainConfig

from .test_metrics import textures
from .test_train import add_lesions, run_all, tiny


def checks(ws) -> list[dict]:
    rows = ws.query("SELECT name, details FROM metrics WHERE details IS NOT NULL")
    return [json.loads(r["details"]) for r in rows if r["name"] == "kid"]


def test_best_is_chosen_against_the_validation_split_and_the_run_records_it(workspace) -> None:
    add_lesions(workspace, 16, split="train", seed=1)
    add_lesions(workspace, 12, split="val", seed=2)
    events = run_all(workspace, tiny(epochs=1, best_metric="kid"))
    said = [e.message for e in events if isinstance(e, Log)]
    assert any("against held out: 12 lesion patches" in m and "split val" in m for m in said)
    details = checks(workspace)
    assert details and all(d["n_real"] == 12 for d in details)  # not the 16 trained on
    assert all(d["reference"].startswith("held out: 12") for d in details)


def test_without_held_out_patches_the_training_patches_are_used_and_said(workspace) -> None:
    add_lesions(workspace, 16, split="train", seed=1)
    add_lesions(workspace, MIN_HELD_OUT - 1, split="val", seed=2)
    run_all(workspace, tiny(epochs=1, best_metric="kid"))
    details = checks(workspace)
    assert details and all(d["n_real"] == 16 for d in details)
    assert all("training patches" in d["reference"] for d in details)
    assert all(f"{MIN_HELD_OUT - 1} lesion patches" in d["reference"] for d in details)


def test_a_run_on_every_split_or_a_loss_metric_reads_no_held_out_set(workspace) -> None:
    add_lesions(workspace, 12, split="val", seed=2)
    training = torch.zeros(3, 1, 128, 128, dtype=torch.uint8)
    config = TrainConfig(split=None, best_metric="kid")
    real, words = selection_reference(workspace, config, None, training)
    assert real is training and "every split" in words
    real, words = selection_reference(
        workspace, TrainConfig(best_metric="loss_g_ema"), None, training
    )
    assert real is training and words == ""


def test_the_check_z_scores_its_reference_as_the_evaluation_does() -> None:
    """A channel that fires in few reference patches keeps a tenth of the median spread as its
    divisor (divided by its own tiny spread, the training checks' KID reached 1e14)."""
    real = textures(12, 3)
    metric, _ = choose_selection("kid", "", 8, torch.from_numpy(real), torch.device("cpu"))
    feats = extract(random_extractor(), real)
    spread = feats.std(0)
    np.testing.assert_allclose(metric.scale[1], scaler(feats)[1])
    assert metric.scale[1].min() >= 0.999 * LEAST_SPREAD * np.median(spread[spread > 0])
    assert (spread < LEAST_SPREAD * np.median(spread[spread > 0])).any()  # such channels exist
