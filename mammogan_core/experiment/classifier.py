"""The lesion-vs-normal classifier of one cell, as the seed trained it: the DCGAN discriminator
(ndf 9, one logit per patch), BCEWithLogits, Adam with weight decay, StepLR per epoch, and the
model with the best validation F1 (lesion class, threshold 0.5), checked every 10 batches.

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
    eval_every: int  # batches between validation F1 checks
    threshold: float


RECIPES = {
    "alyafi2020": Recipe(9, 64, 1e-3, 5e-4, 0.95, 10, 0.5),
    "tiny": Recipe(2, 16, 1e-3, 5e-4, 0.95, 2, 0.5),
}


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
    val_f1: float
    best_step: int


def train_classifier(
    x: torch.Tensor,
    y: torch.Tensor,
    val_x: torch.Tensor,
    val_y: np.ndarray,
    preset: str,
    epochs: int,
    flips: bool,
    seed: int,
    control: Control,
) -> Trained:
    """Train on (x uint8, y float 0/1) and keep the weights with the best validation F1."""
    recipe = RECIPES[preset]
    device = x.device
    torch.manual_seed(seed)  # dropout-free, but BatchNorm and cuDNN kernels may draw
    model = build_classifier(preset, seed).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=recipe.lr, weight_decay=recipe.weight_decay)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=recipe.lr_gamma)
    loss_fn = nn.BCEWithLogitsLoss()
    order = torch.Generator().manual_seed(seed)
    flip_gen = torch.Generator(device=device).manual_seed(seed)
    best_f1, best_step, best_state = -1.0, 0, None
    step, total = 0, epochs * -(-len(x) // recipe.batch_size)
    for _ in range(epochs):
        perm = torch.randperm(len(x), generator=order).to(device)
        for start in range(0, len(x), recipe.batch_size):
            control.check()
            idx = perm[start : start + recipe.batch_size]
            model.train()
            logits = model(real_batch(x, idx, flip_gen, flips, flips))
            loss = loss_fn(logits, y.index_select(0, idx))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            if step % recipe.eval_every == 0 or step == total:
                pred = predict(model, val_x) >= recipe.threshold
                f1 = float(f1_score(val_y, pred, zero_division=0))
                if f1 > best_f1:  # the first of equal scores: the shorter training
                    best_f1, best_step, best_state = f1, step, copy.deepcopy(model.state_dict())
        sched.step()
    if best_state is not None:
        model.load_state_dict(best_state)
    return Trained(model.eval(), best_f1, best_step)


def scores(y: np.ndarray, prob: np.ndarray, threshold: float) -> dict[str, object]:
    """Lesion-class F1, precision, recall, average precision, ROC-AUC and the confusion matrix
    [[tn, fp], [fn, tp]] (scikit-learn). AP and AUC are None on a test set of one class."""
    pred = (prob >= threshold).astype(int)
    both = len(np.unique(y)) == 2
    return {
        "f1": float(f1_score(y, pred, zero_division=0)),
        "precision": float(precision_score(y, pred, zero_division=0)),
        "recall": float(recall_score(y, pred, zero_division=0)),
        "ap": float(average_precision_score(y, prob)) if both else None,
        "auc": float(roc_auc_score(y, prob)) if both else None,
        "confusion": tuple(
            tuple(int(v) for v in row) for row in confusion_matrix(y, pred, labels=[0, 1])
        ),
    }
