"""manifest.csv (one row per exported image: where it is, what it is, where it came from) and
export.json (the settings, counts and software versions). Neither holds a time of now, a path
outside the export or any value of a source file, so a re-export writes the same bytes."""

from __future__ import annotations

import csv
import io
import json
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import __version__
from .folder import EXPORT_JSON
from .plan import ExportPlan

MANIFEST = "manifest.csv"
CROISSANT = "croissant.json"
DATASHEET = "README.md"
RECORD_FILES = (MANIFEST, EXPORT_JSON, CROISSANT, DATASHEET)  # beside the images in an export
COLUMNS = (
    "file",
    "index",  # the row of the image in dataset.npz / dataset.h5 ('' for one file per image)
    "split",
    "class",
    "origin",  # real | flipped | synthetic
    "synthetic",  # true | false: origin synthetic (Croissant's boolean field)
    "lesion_type",
    "source_key",  # the source patient's salted pseudonym (real, flipped)
    "patch_id",  # the source patch in the workspace (real, flipped)
    "run",  # the generator's training run (synthetic)
    "checkpoint",
    "checkpoint_sha256",
    "seed",
    "latent_index",
)


def manifest_text(plan: ExportPlan, where: Callable[[Any, int], tuple[str, str]]) -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    src = plan.source
    for index, it in enumerate(plan.items):
        file, row = where(it, index)
        synthetic = it.origin == "synthetic" and src is not None
        writer.writerow(
            (
                file,
                row,
                it.split,
                it.label,
                it.origin,
                "true" if it.origin == "synthetic" else "false",
                it.lesion_type,
                it.source_key,
                "" if it.patch_id is None else it.patch_id,
                src.run if synthetic else "",
                src.checkpoint if synthetic else "",
                src.sha256 if synthetic else "",
                plan.settings.seed if synthetic else "",
                "" if it.latent_index is None else it.latent_index,
            )
        )
    return text.getvalue()


def export_record(plan: ExportPlan, files: list[str]) -> dict[str, Any]:
    src = plan.source
    return {
        "format": "mammogan-export",
        "settings": plan.settings.recorded(),
        "counts": plan.counts(),
        "images": len(plan.items),
        "files": len(files) + len(RECORD_FILES),
        "generator": None
        if src is None
        else {
            "run": src.run,
            "checkpoint": src.checkpoint,
            "sha256": src.sha256,
            "preset": src.preset,  # the one the run trained with, or --preset for a file
        },
        "warnings": list(plan.warnings),
        "versions": versions(plan.settings.format, synthetic=src is not None),
    }


def versions(fmt: str, synthetic: bool) -> dict[str, str]:
    from importlib.metadata import version

    import numpy

    found = {
        "mammogan": __version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
    }
    wanted = {"imagefolder": ["pillow"], "tiff": ["pillow"], "dicom": ["pydicom"], "hdf5": ["h5py"]}
    for name in [*wanted.get(fmt, []), *(["torch"] if synthetic else [])]:
        found[name] = version(name)
    return found


def write_json(path: Path, obj: Any) -> None:
    path.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n", encoding="utf-8")
