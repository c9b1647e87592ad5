"""Reading annotation tables (CSV) and mapping the datasets' vocabularies to the schema.

Column names are compared normalised (lower case, runs of spaces/underscores as one space), so
CBIS-DDSM's `breast_density` (mass CSVs) and `breast density` (calc CSVs) are the same column.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError

DELIMITERS = (",", ";", "\t")


def norm_key(name: str) -> str:
    return re.sub(r"[\s_]+", " ", name.replace("\ufeff", "").strip().lower())


@dataclass
class Table:
    path: Path
    columns: list[str]  # normalised names, in file order
    rows: list[tuple[int, dict[str, str]]]  # (line number of the row's start, column -> value)

    def row_id(self, line: int) -> str:
        return f"{self.path.name}:{line}"


def _text(path: Path) -> str:
    if not path.exists():
        raise InputError("annotation file not found", path)
    if not path.is_file():
        raise InputError("annotation path is not a file", path)
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:  # spreadsheet exports in a Windows code page
        return data.decode("latin-1")


def _delimiter(first_line: str) -> str:
    return max(DELIMITERS, key=first_line.count)


def peek_columns(path: Path) -> list[str]:
    """Normalised column names of a CSV's first line (for format detection); [] if unreadable."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            first = fh.readline()
    except OSError:
        return []
    return [norm_key(c) for c in next(csv.reader([first], delimiter=_delimiter(first)), [])]


def read_table(path: str | Path, required: Sequence[str], what: str) -> Table:
    """Read a CSV (comma, semicolon or tab separated); rows are keyed by normalised column
    names. Raise InputError naming the missing `required` columns (spelt as the dataset spells
    them) when the file is not a `what` table."""
    path = Path(path)
    text = _text(path)
    lines = text.splitlines(keepends=True)
    if not lines or not lines[0].strip():
        raise InputError(f"empty file; expected a {what} table", path)
    reader = csv.reader(lines, delimiter=_delimiter(lines[0]))
    header = next(reader)
    columns = [norm_key(c) for c in header]
    missing = [c for c in required if norm_key(c) not in columns]
    if missing:
        raise InputError(
            f"not a {what} table: missing column(s) {', '.join(repr(c) for c in missing)} "
            f"(found: {', '.join(c.strip() for c in header)[:300]})",
            path,
        )
    rows: list[tuple[int, dict[str, str]]] = []
    start = reader.line_num + 1
    for record in reader:
        if any(v.strip() for v in record):
            # a short row (a cell missing at its end) reads as empty cells, not missing keys
            values = [v.strip() for v in record] + [""] * (len(columns) - len(record))
            rows.append((start, dict(zip(columns, values))))
        start = reader.line_num + 1  # a quoted field may span lines (CBIS paths end in "\n")
    return Table(path, columns, rows)


# ------------------------------------------------------------------ values
EMPTY = {"", "nan", "none", "null", "na", "n/a"}


def is_empty(value: str | None) -> bool:
    return value is None or value.strip().lower() in EMPTY


def coords(row: dict[str, str], keys: Iterable[str]) -> tuple[list[float] | None, str | None]:
    """The numbers in `keys`: (values, None); (None, None) when all are empty (no geometry of
    this kind); (None, reason) when some are missing or not numbers."""
    keys = list(keys)
    raw = [row.get(k) for k in keys]
    if all(is_empty(v) for v in raw):
        return None, None
    values: list[float] = []
    for key, value in zip(keys, raw):
        if is_empty(value):
            return None, f"incomplete coordinates ({key} is empty)"
        try:
            number = float(value)  # type: ignore[arg-type]
        except ValueError:
            return None, f"bad coordinate {key}={value!r}"
        if not math.isfinite(number):
            return None, f"bad coordinate {key}={value!r}"
        values.append(number)
    return values, None


def finding_type(label: str) -> str:
    """Free-text lesion label -> one of schema.FINDING_TYPES, by keyword."""
    text = label.lower()
    if "calc" in text or "cluster" in text:
        return "calcification"
    if "mass" in text or "spicul" in text or "circumscribed" in text:
        return "mass"
    if "distortion" in text:
        return "architectural_distortion"
    if "asym" in text or "assym" in text:
        return "asymmetry"
    return "other"


def pathology(value: str | None) -> str:
    text = (value or "").strip().lower()
    if text.startswith("malig") or "cancer" in text:
        return "malignant"
    if text.startswith("benign"):
        return "benign"
    return "unknown"


def laterality(value: str | None) -> str | None:
    text = (value or "").strip().upper()
    return {"L": "L", "LEFT": "L", "R": "R", "RIGHT": "R"}.get(text)


def view(value: str | None) -> str | None:
    text = (value or "").strip().upper()
    return text or None


def truthy(value: str | None) -> bool:
    """Flag columns written as 0/1, 0.0/1.0, True/False, yes/no."""
    text = (value or "").strip().lower()
    if text in {"true", "yes", "y", "t"}:
        return True
    try:
        return float(text) != 0.0
    except ValueError:
        return False


def first_component(csv_path: str) -> str:
    """`Mass-Training_P_00001_LEFT_CC/1.3.6.../000000.dcm` -> `Mass-Training_P_00001_LEFT_CC`."""
    parts = [p for p in re.split(r"[\\/]+", csv_path.strip().strip('"')) if p and p != "."]
    return parts[0] if parts else ""
