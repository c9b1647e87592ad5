"""The training patches: selected from the catalogue, held on the device as uint8, batched
there (indices, flips and the [-1, 1] conversion happen on the device; no host copy per step)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..atomic import atomic_open
from ..catalogue_queries import PATIENT_KEY_SQL
from ..errors import InputError
from ..workspace import Workspace
from .config import TrainConfig


def select_patch_ids(
    ws: Workspace, config: TrainConfig, patients: frozenset[str] | None = None
) -> list[int]:
    """The selected patches; `patients` (patient keys) keeps only theirs (a study's fold)."""
    # the pathology is the finding's: a patch without a finding (normal tissue) has none
    sql = (
        f"SELECT p.id, {PATIENT_KEY_SQL} FROM patches p LEFT JOIN findings f ON f.id = "
        "p.finding_id LEFT JOIN images i ON i.id = p.image_id WHERE p.label = ?"
    )
    params: list[Any] = [config.label]
    for column, values in (
        ("p.lesion_type", config.lesion_types),
        ("f.pathology", config.pathology),
    ):
        if values:
            sql += f" AND {column} IN ({','.join('?' * len(values))})"
            params += list(values)
    if config.split is not None:
        sql += " AND p.split = ?"
        params.append(config.split)
    rows = ws.query(sql + " ORDER BY p.id", params)
    return [int(r[0]) for r in rows if patients is None or r[1] in patients]


def patients_of(ws: Workspace, ids: list[int]) -> list[str]:
    """The sorted patient keys of these patches (what a run records it was trained on)."""
    keys: set[str] = set()
    for start in range(0, len(ids), 900):  # SQLite's parameter limit
        chunk = ids[start : start + 900]
        keys.update(
            r[0]
            for r in ws.query(
                f"SELECT DISTINCT {PATIENT_KEY_SQL} FROM patches p JOIN images i "
                f"ON i.id = p.image_id WHERE p.id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            if r[0] is not None
        )
    return sorted(keys)


def selection(
    config: TrainConfig, count: int, patients: list[str], restricted: bool = False
) -> dict[str, Any]:
    """What a run trains on, as config.json records it: the filters, and the patients whose
    patches those are (a study refuses a generator that saw its validation or test patients);
    `restricted`: only some patients' patches were asked for."""
    return {
        "label": config.label,
        "lesion_types": config.lesion_types and list(config.lesion_types),
        "pathology": config.pathology and list(config.pathology),
        "split": config.split,
        "count": count,
        "patients": patients,
        "patients_restricted": restricted,
    }


def describe_selection(config: TrainConfig) -> str:
    """The selection in words, e.g. 'lesion patches of type mass, pathology malignant, in split
    train'."""
    parts = [
        f"{name} {' or '.join(values)}"
        for name, values in (("of type", config.lesion_types), ("pathology", config.pathology))
        if values
    ]
    where = f"in split {config.split}" if config.split else "in any split"
    return f"{config.label} patches " + ", ".join([*parts, where])


def patch_conditions(ws: Workspace, ids: list[int]) -> list[str | None]:
    """Each patch's condition 'lesion_type/pathology' (None without both labels: a patch of
    unknown pathology or without a finding)."""
    found: dict[int, str] = {}
    for start in range(0, len(ids), 900):  # SQLite's parameter limit
        chunk = ids[start : start + 900]
        for pid, kind, pathology in ws.query(
            "SELECT p.id, p.lesion_type, f.pathology FROM patches p LEFT JOIN findings f ON "
            f"f.id = p.finding_id WHERE p.id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            if kind and pathology and pathology != "unknown":
                found[int(pid)] = f"{kind}/{pathology}"
    return [found.get(i) for i in ids]


def load_patches(
    ws: Workspace,
    config: TrainConfig,
    device: torch.device,
    patients: frozenset[str] | None = None,
) -> tuple[torch.Tensor, dict[str, Any], tuple[torch.Tensor, tuple[str, ...]] | None]:
    """All selected patches (of `patients` only, when given) as one N x 1 x 128 x 128 uint8
    tensor on `device` (5K lesions are 80 MB; 150K normal patches 2.4 GB), the selection
    description for config.json and, for a conditional run, each patch's class index (on
    `device`) with the condition vocabulary (sorted; only the patches with a condition)."""
    ids = select_patch_ids(ws, config, patients)
    conditions = None
    if config.conditional:
        names = patch_conditions(ws, ids)
        ids = [i for i, c in zip(ids, names) if c]
        vocabulary = tuple(sorted({c for c in names if c}))
        index = {c: k for k, c in enumerate(vocabulary)}
        labels = torch.tensor([index[c] for c in names if c], dtype=torch.long)
        conditions = labels.to(device), vocabulary
    sel = selection(config, len(ids), patients_of(ws, ids), patients is not None)
    if not ids:
        labelled = " with a lesion type and a known pathology" if config.conditional else ""
        raise InputError(
            f"no patches{labelled} match the selection ({describe_selection(config)}); extract "
            "patches first or change the selection",
            ws.root,
        )
    if conditions:
        sel["conditions"] = list(conditions[1])
    pixels = torch.from_numpy(ws.patch_pixels(ids, "uint8"))
    return pixels.unsqueeze(1).to(device), sel, conditions


_PERM_SEED = 1_000_003  # keeps the epoch permutations apart from the other seeded streams


class EpochOrder:
    """The seed's sampling: every epoch is a shuffled pass over the patches without replacement
    (its DataLoader(shuffle=True)). Epoch e's permutation is drawn on the CPU from (seed, e)
    alone, so it is the same on every device and a resumed run continues it without storing it.

    The last batch of an epoch keeps the remainder (the seed's DataLoader keeps drop_last=False).
    Under DDP the ranks split each global batch; the last one is topped up from the start of
    the permutation (as DistributedSampler pads) so that no rank gets an empty batch."""

    def __init__(
        self, n: int, batch: int, seed: int, device: torch.device, rank: int = 0, world: int = 1
    ) -> None:
        self.n, self.batch, self.seed, self.device = n, batch, seed, device
        self.rank, self.world = rank, world
        self.steps_per_epoch = max(1, math.ceil(n / (batch * world)))
        self._epoch, self._perm = -1, torch.empty(0, dtype=torch.long)

    def indices(self, step: int) -> torch.Tensor:
        """The patch indices (on the device) of this rank's batch at global step `step`."""
        epoch, i = divmod(step, self.steps_per_epoch)
        if epoch != self._epoch:
            gen = torch.Generator().manual_seed(_PERM_SEED * (self.seed + 1) + epoch)
            perm = torch.randperm(self.n, generator=gen)
            if self.world > 1:
                padded = self.steps_per_epoch * self.batch * self.world
                perm = perm.repeat(math.ceil(padded / self.n))[:padded]
            self._epoch, self._perm = epoch, perm.to(self.device)
        start = (i * self.world + self.rank) * self.batch
        return self._perm[start : start + self.batch]


def real_batch(
    data: torch.Tensor,
    idx: torch.Tensor,
    gen: torch.Generator,
    flip_h: bool,
    flip_v: bool,
    memory_format: torch.memory_format = torch.contiguous_format,
) -> torch.Tensor:
    """The patches `idx` in [-1, 1], randomly flipped, all on the device."""
    batch = idx.numel()
    x = data.index_select(0, idx).to(torch.float32).div_(127.5).sub_(1.0)
    # Draw both flip masks every step so the random stream does not depend on the options.
    flips = torch.rand(2, batch, 1, 1, 1, device=data.device, generator=gen) < 0.5
    if flip_h:
        x = torch.where(flips[0], x.flip(3), x)
    if flip_v:
        x = torch.where(flips[1], x.flip(2), x)
    return x.contiguous(memory_format=memory_format)


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """[-1, 1] floats -> uint8 (same shape, same device)."""
    return images.float().add(1.0).mul(127.5).round_().clamp_(0, 255).to(torch.uint8)


def grid(images_u8: torch.Tensor, cols: int = 8, tile: int = 64) -> torch.Tensor:
    """N x 1 x H x W uint8 -> one (rows*tile) x (cols*tile) uint8 image, downscaled on the
    device (area average) before the copy to the host."""
    x = images_u8.float()
    if x.shape[-1] != tile:
        x = torch.nn.functional.interpolate(x, size=(tile, tile), mode="area")
    n = x.shape[0]
    rows = (n + cols - 1) // cols
    if rows * cols > n:
        x = torch.cat([x, x.new_zeros(rows * cols - n, *x.shape[1:])])
    x = x.view(rows, cols, tile, tile).permute(0, 2, 1, 3).reshape(rows * tile, cols * tile)
    return x.round().clamp(0, 255).to(torch.uint8).cpu()


def write_png(path: Path, image: np.ndarray) -> None:
    """A grayscale uint8 PNG, written atomically."""
    from PIL import Image

    with atomic_open(path, "wb") as fh:
        Image.fromarray(image).save(fh, format="PNG")
