"""What an export holds, decided before anything is written: the Export panel previews it and
the export writes it. Torch-free (the generator is loaded only to draw the images)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..lesion_types import describe
from ..workspace import Workspace
from .options import CLASSES, SPLITS, SYNTHETIC_PER_REAL_LESION, ExportSettings

ORIGINS = ("real", "flipped", "synthetic")


@dataclass(frozen=True)
class Item:
    """One exported image. Real and flipped images name their source by the catalogue's patch
    id and the patient's salted pseudonym, never by a value of the source file."""

    origin: str  # real | flipped | synthetic
    split: str
    label: str  # lesion | normal
    lesion_type: str = ""
    source_key: str = ""
    patch_id: int | None = None
    latent_index: int | None = None

    @property
    def stem(self) -> str:
        if self.origin == "synthetic":
            return f"synthetic_{self.latent_index:06d}"
        return f"{self.origin}_{self.patch_id:07d}"


@dataclass(frozen=True)
class SyntheticSource:
    path: Path  # the checkpoint or weights file that is loaded
    run: str  # '' for a weights file
    checkpoint: str  # as recorded: the checkpoint inside the workspace, or the file's name
    sha256: str
    lesion_type: str  # the lesion types the run was trained on ('' when unknown)
    preset: str  # the architecture, where the file does not name its own


@dataclass(frozen=True)
class ExportPlan:
    settings: ExportSettings
    items: tuple[Item, ...]
    source: SyntheticSource | None
    warnings: tuple[str, ...]

    def counts(self) -> dict[str, dict[str, dict[str, int]]]:
        """Images per split, class and origin (only the ones present)."""
        tally = Counter((it.split, it.label, it.origin) for it in self.items)
        out: dict[str, dict[str, dict[str, int]]] = {}
        for (split, label, origin), n in sorted(tally.items(), key=lambda kv: _order(*kv[0])):
            out.setdefault(split, {}).setdefault(label, {})[origin] = n
        return out

    def digest(self) -> str:
        """A fingerprint of the settings, the generator and every item: the seed of the
        export's DICOM UIDs, so a re-export gets the same ones and another export new ones."""
        h = hashlib.sha256(json.dumps(self.settings.recorded(), sort_keys=True).encode())
        h.update((self.source.sha256 if self.source else "").encode())
        for it in self.items:
            h.update(f"{it.stem}|{it.split}|{it.label}|{it.source_key}\n".encode())
        return h.hexdigest()


def _order(split: str, label: str, origin: str) -> tuple[int, int, int]:
    return SPLITS.index(split), CLASSES.index(label), ORIGINS.index(origin)


def plan_export(ws: Workspace, settings: ExportSettings) -> ExportPlan:
    """The items of an export; InputError when it would hold nothing or cannot be made."""
    real = _real_items(ws, settings)
    warnings: list[str] = []
    flipped = [
        Item("flipped", it.split, it.label, it.lesion_type, it.source_key, it.patch_id)
        for it in real
        if settings.flip and it.split == "train"  # augmentation never reaches val or test
    ]
    n, source = _synthetic(ws, settings, real, warnings)
    lesion_type = source.lesion_type if source else ""
    synthetic = [
        Item("synthetic", "train", "lesion", lesion_type, latent_index=i) for i in range(n)
    ]
    items = sorted(
        [*real, *flipped, *synthetic],
        key=lambda it: (*_order(it.split, it.label, it.origin), it.patch_id or it.latent_index),
    )
    return ExportPlan(settings, tuple(items), source, tuple(warnings))


def _real_items(ws: Workspace, settings: ExportSettings) -> list[Item]:
    marks = lambda values: ",".join("?" * len(values))  # noqa: E731
    types = settings.lesion_types or ()
    of_types = f"AND (p.label != 'lesion' OR p.lesion_type IN ({marks(types)})) " if types else ""
    rows = ws.query(
        "SELECT p.id, p.label, p.split, p.lesion_type, i.patient_key, "
        "json_extract(p.params, '$.uint16') FROM patches p LEFT JOIN images i ON i.id = p.image_id "
        f"WHERE p.label IN ({marks(settings.classes)}) AND p.split IN ({marks(settings.split)}) "
        f"{of_types}ORDER BY p.id",
        [*settings.classes, *settings.split, *types],
    )
    if not rows:
        raise InputError(
            f"the workspace has no {' or '.join(settings.classes)} patches in the "
            f"{', '.join(settings.split)} split"
            + (f" (lesions of type {describe(types)})" if types else "")
            + "; extract patches first (mammogan extract) or choose other splits, classes or "
            "lesion types",
            ws.root,
        )
    if settings.bits == "16":
        without = sum(1 for r in rows if not r[5])
        if without:
            raise InputError(
                f"{without} of the {len(rows)} patches were extracted without 16-bit pixels; "
                "extract again with --uint16 ('Keep 16-bit patches') or export 8 bits",
                ws.root,
            )
    return [Item("real", r[2], r[1], r[3] or "", r[4] or "", int(r[0])) for r in rows]


def _synthetic(
    ws: Workspace, settings: ExportSettings, real: list[Item], warnings: list[str]
) -> tuple[int, SyntheticSource | None]:
    wanted = settings.synthetic
    if wanted == 0 or "lesion" not in settings.classes or "train" not in settings.split:
        return 0, None  # settings refuse an explicit count these rule out
    if settings.weights:
        source = _weights_source(Path(settings.weights).expanduser(), settings.preset)
    else:
        run = settings.run or best_run(ws)
        if run is None:
            if wanted is not None:
                raise InputError(
                    "no finished training run with a checkpoint in this workspace; train "
                    "one (mammogan train), name a run (--run) or a weights file (--weights)",
                    ws.root,
                )
            warnings.append(
                "no finished training run with a checkpoint: the export holds no "
                "synthetic lesions (train a run, or choose one)"
            )
            return 0, None
        source = _run_source(ws, run, settings.checkpoint)
    if wanted is None:
        lesions = sum(1 for it in real if it.split == "train" and it.label == "lesion")
        wanted = round(SYNTHETIC_PER_REAL_LESION * lesions)
    return wanted, source if wanted else None


def best_run(ws: Workspace) -> str | None:
    """The run taken when none is named (training.run_choice: one rule for every command)."""
    from ..training.run_choice import default_run

    return default_run(ws)


def _run_source(ws: Workspace, run: str, which: str) -> SyntheticSource:
    """The run's checkpoint, with the preset the run was trained with (the --preset setting
    names the architecture of a bare weights file only)."""
    from ..training.runs import find_checkpoint, stored_train_config

    path = find_checkpoint(ws, run, which)
    try:
        config = stored_train_config(ws, run)
        types, preset = ",".join(config.lesion_types or ()), config.preset
    except (InputError, TypeError, KeyError):  # a config of another version: type unknown
        types, preset = "", ""
    return SyntheticSource(path, run, ws.rel(path), file_sha256(path), types, preset)


def _weights_source(path: Path, preset: str) -> SyntheticSource:
    from ..training.generator_package import package_of  # imports torch

    path, package = package_of(path)  # an exported generator's folder: its generator.pt
    if not path.is_file():
        raise InputError("no such weights file", path)
    run = package["source"]["run"] if package else ""  # where an exported generator came from
    return SyntheticSource(path, run, path.name, file_sha256(path), "", preset)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
