"""Each fold's generator, without leakage: trained inside the study on the fold's training
patients' lesions only (training.train(..., patients=...)), or an existing run accepted only
when the patients it recorded (config.json selection.patients) meet no fold's validation or
test patients. Either way the patients the generator saw are read back from its run's record
and stored with the fold."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import replace
from pathlib import Path

import torch

from ..control import Control
from ..errors import InputError
from ..events import CheckpointSaved, Event, Finished, Log, Progress
from ..training import preset_config, train
from ..training.data import to_uint8
from ..training.generate import generator_from_run, sample_batches
from ..training.runs import read_run_config
from ..workspace import PATCH_SIZE, Workspace
from .folds import Fold
from .options import StudyOptions


def trained_patients(ws: Workspace, run_id: str) -> set[str]:
    """The patient keys a run records it trained on; InputError for a run without the record."""
    recorded = (read_run_config(ws, run_id).get("selection") or {}).get("patients")
    if recorded is None:
        raise InputError(
            f"run {run_id} does not record the patients it was trained on (it is older than "
            "that record), so it cannot be shown to be free of validation and test patients; "
            "leave the existing GAN run unset to train one generator per fold"
        )
    return set(recorded)


def check_existing_run(ws: Workspace, run_id: str, folds: list[Fold]) -> set[str]:
    """The run's training patients, or InputError naming the first fold it would leak into."""
    seen = trained_patients(ws, run_id)
    for fold in folds:
        overlap = seen & (set(fold.val_patients) | set(fold.test_patients))
        if overlap:
            raise InputError(
                f"run {run_id} was trained on {len(overlap)} of fold {fold.index + 1}'s "
                f"validation and test patients ({len(seen)} patients in all): its synthetic "
                "lesions would leak them into training. Leave the existing GAN run unset to "
                "train each fold's generator on that fold's training patients only"
            )
    return seen


def train_fold_generator(
    ws: Workspace,
    options: StudyOptions,
    fold: Fold,
    control: Control,
    resume_run: str | None,
    on_run: Callable[[str], None],
) -> Generator[Event, None, str | None]:
    """Train (or continue) the fold's generator; `on_run(run_id)` is called at its first
    checkpoint, from which it can be resumed. Returns the run id (`yield from`'s value), or
    None when stopped."""
    tag = f"fold {fold.index + 1}"
    config = None
    if resume_run is None:
        config = replace(
            preset_config(
                options.gan_preset,
                epochs=options.gan_epochs,
                seed=options.seed + fold.index,
                device=options.device,
            ),
            label="lesion",
            lesion_types=options.lesion_types,
            pathology=None,
            split=None,  # the fold's patients are the selection
        )
    run_id, status = resume_run, "stopped"
    for ev in train(
        ws, config, control, resume=resume_run, patients=frozenset(fold.train_patients)
    ):
        if isinstance(ev, CheckpointSaved) and run_id is None:
            run_id = Path(ev.path).resolve().relative_to(ws.runs_dir.resolve()).parts[0]
            on_run(run_id)
        elif isinstance(ev, Progress):
            yield Progress(ev.done, ev.total, f"{tag}: training the generator", unit="steps")
        elif isinstance(ev, Log):
            yield Log(f"{tag} generator: {ev.message}", ev.level)
        elif isinstance(ev, Finished):
            run_id, status = ev.summary.run, ev.summary.status
    return run_id if status == "finished" else None


def synthetic_lesions(
    ws: Workspace, run_id: str, n: int, seed: int, device: torch.device, control: Control
) -> tuple[torch.Tensor, dict[str, object]]:
    """`n` synthetic lesions (uint8, N x 1 x 128 x 128, on `device`) from the run's best
    checkpoint, and where they came from."""
    g, source = generator_from_run(ws, run_id, "best")
    batches = [to_uint8(b) for b in sample_batches(g, n, seed, device, control)]
    pixels = (
        torch.cat(batches)
        if batches
        else torch.zeros(0, 1, PATCH_SIZE, PATCH_SIZE, dtype=torch.uint8)
    )
    return pixels.to(device), {**source, "seed": seed, "count": n}
