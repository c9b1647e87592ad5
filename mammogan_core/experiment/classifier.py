"""The lesion-vs-normal classifier of one cell: the seed's network and optimiser (the DCGAN
discriminator at ndf 9 with one logit per patch, BCEWithLogits, Adam with weight decay, StepLR),
checked every 10 steps; ours: a budget of optimiser steps (equal in every mode of a cell), the
model with the best validation AP kept with BatchNorm statistics of its own weights, and the
decision threshold chosen on validation (max F1), not the seed's fixed 0.5.

Inputs are uint8 patches (N x 1 x 128 x 128) on the device, scaled to [-1, 1] as the GAN sees
them; flips are drawn per batch on the device (training.data.real_batch).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)
from torch import nn

from ..control import Control
from ..models import build_discriminator, model_spec
from ..training.data import real_batch


@dataclass(frozen=True)
class Recipe:
    ndf: int
    batch_size: int
    lr: float  # the seed's code leaves Adam's rate at PyTorch's default
    weight_decay: float
    lr_gamma: float  # StepLR(step_size=1 epoch)
    eval_every: int  # optimiser steps between validation checks


RECIPES = {
    "alyafi2020": Recipe(9, 64, 1e-3, 5e-4, 0.95, 10),
    "tiny": Recipe(2, 16, 1e-3, 5e-4, 0.95, 2),
}
FIXED_THRESHOLD = 0.5  # the seed's; F1 at it is reported beside F1 at the validation threshold


def build_classifier(preset: str, seed: int) -> nn.Module:
    """The seed's discriminator layout at the recipe's width (no sigmoid: logits)."""
    return build_discriminator(
        model_spec("alyafi2020", ndf=RECIPES[preset].ndf), torch.Generator().manual_seed(seed)
    )


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor, batch: int = 256) -> np.ndarray:
    """Lesion probabilities of uint8 patches `x` (on the model's device)."""
    model.eval()
    out = [
        torch.sigmoid(model(x[i : i + batch].float().div(127.5).sub(1.0))).cpu()
        for i in range(0, len(x), batch)
    ]
    return torch.cat(out).numpy() if out else np.zeros(0, np.float32)


@dataclass(frozen=True)
class Trained:
    model: nn.Module
    selected_step: int  # the optimiser step after which the kept weights were taken
    val_ap: float
    val_auc: float | None
    # per check: (step, val AP, val AUC, val F1 at 0.5: the seed's criterion, not used)
    history: tuple[tuple[int, float, float | None, float], ...]


@torch.no_grad()
def recalibrate_batchnorm(model: nn.Module, x: torch.Tensor, batch: int = 256) -> None:
    """Running BatchNorm statistics of these very weights: the plain average over the training
    set (momentum None), not the exponential trace of earlier weights that a check after a few
    steps would otherwise be scored and kept with."""
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not norms:
        return
    momenta = [m.momentum for m in norms]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None
    model.train()
    for i in range(0, len(x), batch):
        model(x[i : i + batch].float().div(127.5).sub(1.0))
    for m, momentum in zip(norms, momenta, strict=True):
        m.momentum = momentum
    model.eval()


def ranking_scores(y: np.ndarray, prob: np.ndarray) -> tuple[float, float | None]:
    """Average precision and ROC-AUC (None for one class: then AP is 0)."""
    if len(np.unique(y)) < 2:
        return 0.0, None
    return float(average_precision_score(y, prob)), float(roc_auc_score(y, prob))


def train_classifier(
    x: torch.Tensor,
    y: torch.Tensor,
    val_x: torch.Tensor,
    val_y: np.ndarray,
    preset: str,
    steps: int,
    lr_every: int,
    flips: bool,
    seed: int,
    control: Control,
) -> Trained:
    """`steps` optimiser updates on (x uint8, y float 0/1), in shuffled passes; the learning
    rate decays every `lr_every` steps (the same in every mode of a cell). Every `eval_every`
    steps and at the end the BatchNorm statistics are recomputed for the current weights and
    the model is scored on validation; the weights with the best validation AP (ties: AUC,
    then the earlier step) are kept, with their statistics."""
    recipe = RECIPES[preset]
    device = x.device
    torch.manual_seed(seed)  # dropout-free, but BatchNorm and cuDNN kernels may draw
    model = build_classifier(preset, seed).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=recipe.lr, weight_decay=recipe.weight_decay)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=max(1, lr_every), gamma=recipe.lr_gamma)
    loss_fn = nn.BCEWithLogitsLoss()
    order = torch.Generator().manual_seed(seed)
    flip_gen = torch.Generator(device=device).manual_seed(seed)
    best: tuple[tuple[float, float], int, dict] | None = None
    history = []
    perm, at = torch.empty(0, dtype=torch.long), 0
    for step in range(1, steps + 1):
        control.check()
        if at >= len(perm):
            perm, at = torch.randperm(len(x), generator=order).to(device), 0
        idx = perm[at : at + recipe.batch_size]
        at += len(idx)
        model.train()
        logits = model(real_batch(x, idx, flip_gen, flips, flips))
        loss = loss_fn(logits, y.index_select(0, idx))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if step % recipe.eval_every and step != steps:
            continue
        # training-mode batches use their own statistics: recomputing the running ones is safe
        recalibrate_batchnorm(model, x)
        prob = predict(model, val_x)
        ap, auc = ranking_scores(val_y, prob)
        f1_half = float(f1_score(val_y, prob >= FIXED_THRESHOLD, zero_division=0))
        history.append((step, ap, auc, f1_half))
        key = (ap, -1.0 if auc is None else auc)
        if best is None or key > best[0]:
            best = (key, step, copy.deepcopy(model.state_dict()))
    assert best is not None  # steps >= 1: the last step is always checked
    (ap, auc), step, kept = best
    model.load_state_dict(kept)
    return Trained(model.eval(), step, ap, None if auc < 0 else auc, tuple(history))


def validation_threshold(y: np.ndarray, prob: np.ndarray) -> tuple[float, float]:
    """The decision threshold with the highest F1 on validation (`prob >= t` is a lesion),
    the highest such threshold among equals, and that F1."""
    best_t, best_f1 = 0.5, -1.0
    for t in np.unique(prob)[::-1]:  # from the strictest threshold down
        f1 = float(f1_score(y, prob >= t, zero_division=0))
        if f1 > best_f1:
            best_t, best_f1 = float(t), f1
    return best_t, max(best_f1, 0.0)


def scores(y: np.ndarray, prob: np.ndarray, threshold: float) -> dict[str, object]:
    """Lesion-class F1 (at `threshold` and at 0.5), precision, recall, average precision,
    ROC-AUC and the confusion matrix [[tn, fp], [fn, tp]] (scikit-learn), all at `threshold`.
    AP and AUC are None on a test set of one class."""
    pred = (prob >= threshold).astype(int)
    ap, auc = ranking_scores(y, prob)
    return {
        "f1": float(f1_score(y, pred, zero_division=0)),
        "f1_at_half": float(f1_score(y, prob >= FIXED_THRESHOLD, zero_division=0)),
        "precision": float(precision_score(y, pred, zero_division=0)),
        "recall": float(recall_score(y, pred, zero_division=0)),
        "ap": ap if auc is not None else None,
        "auc": auc,
        "confusion": tuple(
            tuple(int(v) for v in row) for row in confusion_matrix(y, pred, labels=[0, 1])
        ),
    }
