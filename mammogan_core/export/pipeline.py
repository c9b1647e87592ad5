"""The export: real patches of the chosen splits and classes, their flipped copies and synthetic
lesions (training split only), written in one format with manifest.csv and export.json into a
staging folder that becomes the export folder at the end, with its dataset cards
(croissant.json, README.md)."""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..control import Control, Stopped
from ..errors import InputError
from ..events import Event, Finished, Log, Progress, Result
from ..workspace import PATCH_SIZE, Workspace
from ..workspace.catalogue import utc_now
from .croissant import croissant
from .datasheet import datasheet
from .folder import EXPORT_JSON, check_target, discard, publish, staging_folder
from .manifest import (
    CROISSANT,
    DATASHEET,
    MANIFEST,
    RECORD_FILES,
    export_record,
    manifest_text,
    write_json,
)
from .options import ExportSettings
from .plan import ExportPlan, Item, plan_export
from .writers import make_writer, require_h5py

CHUNK = 256  # images read and written per step (and per progress event)


@dataclass(frozen=True)
class ExportResult(Result):
    status: str  # finished | stopped (nothing is left under `out` then)
    out: str
    format: str
    images: int
    files: int  # images or the array file, manifest.csv, export.json and the two cards
    counts: dict[str, dict[str, dict[str, int]]]  # split -> class -> origin -> images
    manifest: str
    warnings: tuple[str, ...] = ()


def target_of(settings: ExportSettings) -> Path:
    if not settings.out.strip():
        raise InputError("choose the export folder (--out)")
    return Path(settings.out).expanduser().resolve()


def export_dataset(ws: Workspace, settings: ExportSettings, control: Control) -> Iterator[Event]:
    target = target_of(settings)
    check_target(target, settings.overwrite)
    if settings.format == "hdf5":
        require_h5py()
    plan = plan_export(ws, settings)
    for warning in plan.warnings:
        yield Log(warning, "warning")
    yield Log(f"exporting {len(plan.items):,} images ({describe(plan)}) to {target}")
    staging = staging_folder(target)
    try:
        files = yield from _write(ws, plan, staging, control)
    except Stopped:
        discard(staging)
        yield Log("export stopped: its unfinished folder was removed", "warning")
        yield Finished(
            ExportResult("stopped", str(target), settings.format, 0, 0, {}, "", plan.warnings)
        )
        return
    except BaseException:
        discard(staging)
        raise
    publish(staging, target)
    _record(ws, target, plan)
    yield Finished(
        ExportResult(
            "finished",
            str(target),
            settings.format,
            len(plan.items),
            len(files) + len(RECORD_FILES),
            plan.counts(),
            str(target / MANIFEST),
            plan.warnings,
        )
    )


def describe(plan: ExportPlan) -> str:
    """'train: lesion 20 real + 20 flipped + 30 synthetic, normal ...' for logs and the panel."""
    parts = []
    for split, by_class in plan.counts().items():
        classes = [
            f"{label} " + " + ".join(f"{n:,} {origin}" for origin, n in by_origin.items())
            for label, by_origin in by_class.items()
        ]
        parts.append(f"{split}: {', '.join(classes)}")
    return "; ".join(parts)


def _write(
    ws: Workspace, plan: ExportPlan, staging: Path, control: Control
) -> Generator[Event, None, list[str]]:
    writer = make_writer(staging, plan)
    try:
        synthetic = _synthetic_stream(plan, control)
        total = len(plan.items)
        for start in range(0, total, CHUNK):
            control.check()
            chunk = plan.items[start : start + CHUNK]
            writer.add(start, chunk, _pixels(ws, chunk, plan.settings.dtype, synthetic))
            yield Progress(start + len(chunk), total, unit="images")
        files = writer.close()
    except BaseException:
        writer.abort()
        raise
    (staging / MANIFEST).write_text(manifest_text(plan, writer.where), encoding="utf-8")
    write_json(staging / EXPORT_JSON, export_record(plan, files))
    _write_cards(ws, staging, plan, files)
    return files


def _write_cards(ws: Workspace, folder: Path, plan: ExportPlan, files: list[str]) -> None:
    """croissant.json and README.md into the (staging) export folder, after the images, the
    manifest and export.json, whose checksums croissant.json records."""
    dates = _data_dates(ws, plan)
    (folder / CROISSANT).write_text(
        json.dumps(croissant(plan, folder, files, dates), indent=2) + "\n", encoding="utf-8"
    )
    (folder / DATASHEET).write_text(datasheet(plan, dates), encoding="utf-8")


def _data_dates(ws: Workspace, plan: ExportPlan) -> dict[str, str]:
    """'patches': the day of the newest patch extraction; 'run': the day the generator's run
    last changed ('' without one)."""
    newest = ws.query("SELECT max(created_at) FROM patches")[0][0] or ""
    run = ""
    if plan.source is not None and plan.source.run:
        rows = ws.query("SELECT updated_at FROM runs WHERE id=?", (plan.source.run,))
        run = rows[0][0][:10] if rows else ""
    return {"patches": newest[:10], "run": run}


def _synthetic_stream(plan: ExportPlan, control: Control) -> Iterator[np.ndarray]:
    if plan.source is None:
        return iter(())
    from .synthetic import synthetic_images  # imports torch

    s = plan.settings
    n = sum(1 for it in plan.items if it.origin == "synthetic")
    return synthetic_images(plan.source, n, s.seed, s.device, s.dtype, control, s.condition)


def _pixels(
    ws: Workspace, chunk: Sequence[Item], dtype: str, synthetic: Iterator[np.ndarray]
) -> np.ndarray:
    out = np.empty((len(chunk), PATCH_SIZE, PATCH_SIZE), dtype)
    stored = [i for i, it in enumerate(chunk) if it.origin != "synthetic"]
    pixels = ws.patch_pixels([chunk[i].patch_id for i in stored], dtype)
    for i, px in zip(stored, pixels):
        out[i] = px[:, ::-1] if chunk[i].origin == "flipped" else px
    for i, it in enumerate(chunk):
        if it.origin == "synthetic":
            out[i] = next(synthetic)
    return out


def _record(ws: Workspace, target: Path, plan: ExportPlan) -> None:
    details = {"format": plan.settings.format, "images": len(plan.items), "counts": plan.counts()}
    with ws.transaction() as conn:
        conn.execute(
            "INSERT INTO exports(path, created_at, details) VALUES (?, ?, ?)",
            (ws.rel(target), utc_now(), json.dumps(details, sort_keys=True)),
        )
