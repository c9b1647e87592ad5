"""`generate_corpus`: N synthetic mammograms as DICOM plus the generic annotation CSV.

Output folder layout:
    annotations.csv   one row per finding, generic format (see ANNOTATION_COLUMNS)
    manifest.csv      one row per image, findings or not
    images/caseNNNN/caseNNNN_<L|R>_<CC|MLO>.dcm

Resumable: every image is a pure function of (seed, index, size) and is written atomically, so a
rerun skips the images already there and rewrites the two CSVs (atomically) at the end.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path

from ..annotations.generic import COLUMNS as GENERIC_COLUMNS
from ..atomic import atomic_write_text
from ..control import Control, Stopped
from ..errors import InputError
from ..events import Event, Finished, Log, Progress
from ..workspace import PATCH_SIZE
from .dicom_writer import is_complete, write_dicom
from .plan import ImagePlan, plan_corpus
from .render import render, stored_geometry

ANNOTATION_COLUMNS = GENERIC_COLUMNS
MANIFEST_COLUMNS = (
    "image",
    "patient_id",
    "laterality",
    "view",
    "rows",
    "cols",
    "photometric",
    "findings",
)
MIN_SIZE = PATCH_SIZE  # an image smaller than one patch gives none


def check_request(out_dir: Path, n: int, rows: int, cols: int) -> None:
    """What either corpus (DICOM or film) checks before it writes anything."""
    if n <= 0:
        raise InputError(f"the number of images must be at least 1, not {n}")
    if min(rows, cols) < MIN_SIZE:
        raise InputError(
            f"images must be at least {MIN_SIZE} x {MIN_SIZE} pixels, not {rows} x {cols}"
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("the output folder is a file", out_dir)


def generate_corpus(
    out_dir: Path,
    n: int,
    seed: int,
    control: Control | None = None,
    rows: int = 2294,
    cols: int = 1914,
) -> Iterator[Event]:
    """Write `n` phantom images into `out_dir`; yields Progress per image, then Finished."""
    out_dir = Path(out_dir)
    check_request(out_dir, n, rows, cols)
    started = time.perf_counter()
    plans = plan_corpus(seed, n, rows, cols)
    done = reused = 0
    try:
        for plan in plans:
            if control is not None:
                control.check()
            path = out_dir / plan.rel_path
            if is_complete(path, plan):
                reused += 1
            else:
                write_dicom(path, plan, render(plan))
            done += 1
            yield Progress(done, n, plan.rel_path, unit="images")
    except Stopped:
        yield Log(f"stopped after {done} of {n} images; run again to finish", "warning")
        yield Finished(
            {
                "images": done,
                "out": str(out_dir),
                "stopped": True,
                "status": "stopped",
                "seconds": round(time.perf_counter() - started, 3),
            }
        )
        return
    annotations, manifest = out_dir / "annotations.csv", out_dir / "manifest.csv"
    atomic_write_text(annotations, _csv(ANNOTATION_COLUMNS, _annotation_rows(plans)))
    atomic_write_text(manifest, _csv(MANIFEST_COLUMNS, _manifest_rows(plans)))
    yield Finished(
        {
            "images": n,
            "status": "finished",
            "out": str(out_dir),
            "annotations": str(annotations),
            "manifest": str(manifest),
            "findings": sum(len(p.findings) for p in plans),
            "patients": (n + 3) // 4,
            "reused": reused,
            "rows": rows,
            "cols": cols,
            "seed": seed,
            "seconds": round(time.perf_counter() - started, 3),
        }
    )


def _annotation_rows(plans: list[ImagePlan]) -> Iterator[dict[str, object]]:
    """Boxes are pixel edges, x2/y2 exclusive: `pixels[y1:y2, x1:x2]` is centred on the lesion."""
    for plan in plans:
        for placed in plan.findings:
            cx, cy, r = stored_geometry(plan, placed)
            row: dict[str, object] = {
                "image": plan.rel_path,
                "patient_id": plan.patient.patient_id,
                "laterality": plan.laterality,
                "view": plan.view,
                "label": placed.lesion.label,
                "pathology": placed.lesion.pathology,
            }
            if placed.lesion.as_circle:
                row.update(cx=cx, cy=cy, r=r)
            else:
                row.update(x1=cx - r, y1=cy - r, x2=cx + r + 1, y2=cy + r + 1)
            yield row


def _manifest_rows(plans: list[ImagePlan]) -> Iterator[dict[str, object]]:
    for plan in plans:
        yield {
            "image": plan.rel_path,
            "patient_id": plan.patient.patient_id,
            "laterality": plan.laterality,
            "view": plan.view,
            "rows": plan.rows,
            "cols": plan.cols,
            "findings": len(plan.findings),
            "photometric": "MONOCHROME1" if plan.patient.monochrome1 else "MONOCHROME2",
        }


def _csv(columns: tuple[str, ...], rows: Iterator[dict[str, object]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()
