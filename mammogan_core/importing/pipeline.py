"""`import_dataset`: annotations + image headers -> the workspace catalogue.

Parse the annotations, list the image files, scan their headers (no pixel decode, except ROI
masks whose box is computed once here), check every finding against its image, and commit
images, findings and the issue report in batches of a few hundred images. A killed import
loses at most the current batch; a re-run upserts the same rows and completes it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..annotations.files import image_files, image_name_key
from ..annotations.schema import AnnotationSet, Finding
from ..annotations.tables import laterality
from ..control import Control, Stopped
from ..errors import InputError, MammoganError
from ..events import Event, Finished, ItemError, Log, Progress
from ..io import read_header
from ..io.header import ImageHeader
from ..workspace import Workspace
from . import detect, store
from .filters import HeaderFilter, reject_reason
from .formats import FORMATS, FormatSpec
from .geometry import GeometryRejected, finding_box, geometry_json
from .results import FileError, ImportResult, RowSkipped

BATCH_IMAGES = 200
PROGRESS_EVERY = 25
EXCLUSION_ROWS_SHOWN = 3


class _Import:
    """The state of one import run: the batch being gathered and the report."""

    def __init__(
        self,
        ws: Workspace,
        fmt: str,
        spec: FormatSpec,
        aset: AnnotationSet,
        source: Path,
        source_id: int,
        filters: list[HeaderFilter],
    ) -> None:
        self.ws, self.fmt, self.spec, self.aset = ws, fmt, spec, aset
        self.source, self.source_id, self.filters = source, source_id, filters
        self.salt = store.patient_salt(ws)
        self.by_ref: dict[str, list[Finding]] = defaultdict(list)
        for f in aset.findings:
            self.by_ref[f.image_ref].append(f)
        self.seen: dict[str, str] = {}  # image ref -> file, for the images scanned so far
        self.unreadable: set[str] = set()
        self.batch = store.Batch()
        self.skipped: list[RowSkipped] = []
        self.errors: list[FileError] = []
        # image ref -> "row: reason" of its abnormalities that cannot be located
        self.unlocated: dict[str, list[str]] = defaultdict(list)
        for row in aset.skipped:
            self.skip(row.source_row, row.reason)
            if row.image_ref is not None:
                self.unlocated[row.image_ref].append(f"{row.source_row}: {row.reason}")

    # ------------------------------------------------------------ report
    def skip(self, row: str, reason: str) -> None:
        self.skipped.append(RowSkipped(row, reason))
        self.batch.issue("skipped", reason, row=row)

    def error(self, path: str, reason: str) -> ItemError:
        self.errors.append(FileError(path, reason))
        self.batch.issue("error", reason, path=path)
        return ItemError(path, reason)

    def skip_findings(self, ref: str, reason: str) -> None:
        for f in self.by_ref.get(ref, []):
            self.skip(f.source_row, reason)

    # ------------------------------------------------------------ one image
    def candidates(self) -> list[tuple[Path, str | None]]:
        if self.spec.scan_folder:
            return [(p, None) for p in image_files(self.source)]
        refs = sorted(set(self.by_ref) | set(self.aset.images) | set(self.unlocated))
        paths = self.aset.image_paths
        return [(Path(paths[r]), r) for r in refs if r in paths]

    def _scanned_ref(self, path: Path, header: ImageHeader) -> str:
        if self.fmt == "optimam":  # lesion rows name images by SOP Instance UID
            return header.sop_instance_uid or image_name_key(path)
        return path.relative_to(self.source).as_posix()

    def image(self, path: Path, ref: str | None) -> Iterator[Event]:
        try:
            header = read_header(path, check_pixels=True)
        except (MammoganError, OSError) as exc:
            yield self.error(str(path), getattr(exc, "reason", None) or str(exc))
            if ref is not None:
                self.unreadable.add(ref)
                self.skip_findings(ref, f"image file of {ref} cannot be read")
            return
        ref = ref or self._scanned_ref(path, header)
        if ref in self.seen:
            yield self.error(str(path), f"same image id {ref} as {self.seen[ref]}; not imported")
            return
        self.seen[ref] = str(path)
        reason = reject_reason(self.filters, header)
        if reason:
            self.skip(ref, reason)
            self.skip_findings(ref, f"image {ref} {reason}")
            self.batch.dropped.append(ref)
            return
        findings = self.by_ref.get(ref, [])
        rows = [r for r in (self.finding_row(f, header) for f in findings) if r is not None]
        image = self.image_row(path, header, ref, findings)
        image["normal_excluded"] = normal_exclusion(self.unlocated.get(ref, []))
        self.batch.add_image(ref, image, rows)

    def reject(self, f: Finding, reason: str) -> None:
        self.skip(f.source_row, reason)
        self.unlocated[f.image_ref].append(f"{f.source_row}: {reason}")

    def finding_row(self, f: Finding, header: ImageHeader) -> tuple[str, dict[str, Any]] | None:
        if self.spec.adjust is not None and header.rows:
            f = self.spec.adjust(f, header.rows)
        if f.geometry is None:
            self.reject(f, "no coordinates")
            return None
        try:
            box = finding_box(f.geometry, header.rows, header.cols)
        except GeometryRejected as exc:
            self.reject(f, str(exc))
            return None
        kind, geometry = geometry_json(f.geometry, self.ws.rel)
        return f.source_row, {
            "finding_type": f.finding_type,
            "label_raw": f.label_raw,
            "pathology": f.pathology,
            "geometry_kind": kind,
            "geometry": geometry,
            "x0": box.x0,
            "y0": box.y0,
            "x1": box.x1,
            "y1": box.y1,
        }

    def image_row(
        self, path: Path, header: ImageHeader, ref: str, findings: list[Finding]
    ) -> dict[str, Any]:
        meta = self.aset.images.get(ref, {})
        first = findings[0] if findings else None

        def pick(name: str, from_header: str | None) -> Any:
            return (getattr(first, name) if first else None) or meta.get(name) or from_header

        patient = pick("patient_id", header.patient_id)
        in_source = path.relative_to(self.source) if path.is_relative_to(self.source) else path
        return {
            "path": self.ws.rel(path),
            "patient_key": store.patient_key(self.salt, patient),
            "split_key": store.split_key(patient, in_source.as_posix()),
            "laterality": pick("laterality", laterality(header.laterality)),
            "view": pick("view", header.view),
            "rows": header.rows,
            "cols": header.cols,
            "spacing_mm": header.spacing_mm or self.aset.default_spacing_mm,
            "bits_stored": header.bits_stored,
            "photometric": header.photometric,
            "presentation_intent": header.presentation_intent,
            "manufacturer": header.manufacturer,
            "transfer_syntax": header.transfer_syntax,
            "window_center": header.window_center,
            "window_width": header.window_width,
        }

    # ------------------------------------------------------------ end
    def report_unmatched(self) -> None:
        """Annotations naming images that no file was found for."""
        for ref in sorted(set(self.by_ref) | set(self.aset.images)):
            if ref in self.seen or ref in self.unreadable:
                continue
            rows = [f.source_row for f in self.by_ref.get(ref, [])]
            rows += (
                [self.aset.images[ref].get("source_row", ref)] if ref in self.aset.images else []
            )
            for row in rows:
                self.skip(row, f"no image file for id {ref}")

    def result(self, stopped: bool) -> ImportResult:
        images, findings, by_type = store.counts(self.ws, self.source_id)
        return ImportResult(
            status="stopped" if stopped else "finished",
            images=images,
            findings=findings,
            findings_by_type=by_type,
            normal_excluded=store.normal_excluded_count(self.ws, self.source_id),
            skipped=tuple(self.skipped),
            errors=tuple(self.errors),
            source_id=self.source_id,
            format=self.fmt,
        )


def normal_exclusion(unlocated: list[str]) -> str | None:
    """The images.normal_excluded reason for an image with these unusable finding rows."""
    if not unlocated:
        return None
    shown = "; ".join(unlocated[:EXCLUSION_ROWS_SHOWN])
    more = len(unlocated) - EXCLUSION_ROWS_SHOWN
    return f"finding without location ({shown}{f'; {more} more' if more > 0 else ''})"


@dataclass(frozen=True)
class ImportPlan:
    """What an import will read: checked inputs and the parsed annotations."""

    source: Path
    fmt: str
    annotations: list[Path]
    aset: AnnotationSet


def plan_import(source: Path, fmt: str, annotations: Path | None) -> ImportPlan:
    """Check the source, the format and the annotation file (columns included) and parse it,
    without a workspace: a bad input raises InputError before anything is created."""
    source = Path(source).expanduser().resolve()
    if not source.is_dir():
        raise InputError("no such source folder", source)
    fmt, ann_paths = detect.resolve(
        source, fmt, Path(annotations).expanduser() if annotations else None
    )
    return ImportPlan(source, fmt, ann_paths, FORMATS[fmt].parse(ann_paths, source))


def import_dataset(
    ws: Workspace,
    source: Path,
    fmt: str,
    annotations: Path | None,
    control: Control,
    header_filters: list[HeaderFilter] | None = None,
    plan: ImportPlan | None = None,
) -> Iterator[Event]:
    """Import a dataset folder into the workspace (see the module doc). Yields Progress, Log,
    ItemError and, last, Finished(ImportResult). `plan`: from `plan_import(source, fmt, annotations)`
    when the caller checked the inputs already (then the other three are not read again)."""
    plan = plan or plan_import(source, fmt, annotations)
    source, fmt, ann_paths, aset = plan.source, plan.fmt, plan.annotations, plan.aset
    spec = FORMATS[fmt]
    names = ", ".join(p.name for p in ann_paths) or "none"
    yield Log(f"importing {source} as {fmt} (annotations: {names})")
    ann_key = ";".join(ws.rel(p) for p in ann_paths) or None
    source_id = store.open_source(ws, ws.rel(source), fmt, ann_key)
    run = _Import(ws, fmt, spec, aset, source, source_id, list(header_filters or []))
    yield Log(f"annotations: {len(aset.findings)} findings, {len(aset.skipped)} unusable rows")
    todo = run.candidates()
    yield Progress(0, len(todo), "reading image headers", "images")
    stopped = False
    try:
        for done, (path, ref) in enumerate(todo, start=1):
            control.check()
            yield from run.image(path, ref)
            if len(run.batch) >= BATCH_IMAGES:
                store.write(ws, source_id, run.batch)
            if done % PROGRESS_EVERY == 0 or done == len(todo):
                yield Progress(done, len(todo), "reading image headers", "images")
    except Stopped:
        stopped = True
        yield Log(
            f"stopped after {len(run.seen)} of {len(todo)} images; run the import again to complete it",
            "warning",
        )
    if not stopped:
        run.report_unmatched()
    store.write(ws, source_id, run.batch)
    yield Finished(run.result(stopped))
