"""What an import reports: the CLI prints it as its --json object, the Data panel reads it."""

from __future__ import annotations

from dataclasses import dataclass

from ..events import Result


@dataclass(frozen=True)
class FileError(Result):
    """A file that could not be read (the rest of the batch went on)."""

    path: str
    reason: str


@dataclass(frozen=True)
class RowSkipped(Result):
    """An annotation row that could not be used."""

    row: str
    reason: str


@dataclass(frozen=True)
class ImportResult(Result):
    status: str  # finished | stopped (run the import again to complete it)
    images: int
    findings: int
    findings_by_type: dict[str, int]
    normal_excluded: int  # images no normal patch may come from (a finding without location)
    skipped: tuple[RowSkipped, ...]
    errors: tuple[FileError, ...]
    source_id: int
    format: str
