"""Which format a dataset folder (or annotation file) is, and where its annotation files are.

Only the source folder and its direct subfolders are looked at: dataset roots keep their
annotation files there, and image trees of 100K files are never walked for this.
"""

from __future__ import annotations

from pathlib import Path

from ..annotations.tables import peek_columns
from ..errors import InputError

FORMATS = ("mias", "cbis-ddsm", "vindr", "inbreast", "optimam", "generic", "images")
SIDE_TABLES = {"manifest.csv", "breast-level_annotations.csv", "inbreast.csv"}


def classify(path: Path) -> str | None:
    """The format of one annotation file or folder, or None."""
    if path.is_dir():
        if path.name.lower() == "allxml" or (path / "AllXML").is_dir():
            return "inbreast"
        return None
    name = path.name.lower()
    if name == "info.txt":
        return "mias"
    if path.suffix.lower() == ".xml" and path.parent.name.lower() == "allxml":
        return "inbreast"
    if path.suffix.lower() not in {".csv", ".tsv", ".txt"} or name in SIDE_TABLES:
        return None
    cols = set(peek_columns(path))
    if "abnormality id" in cols:
        return "cbis-ddsm"
    if "finding categories" in cols:
        return "vindr"
    if "imagesopiuid" in cols and "x1" in cols:
        return "optimam"
    if "image" in cols and "label" in cols:
        return "generic"
    return None


def _candidates(source: Path) -> list[Path]:
    found: list[Path] = []
    for entry in sorted(source.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and entry.name.lower() == "allxml":
            found.append(entry)
        elif entry.is_dir():
            found += [
                p
                for p in sorted(entry.iterdir())
                if p.is_file() and p.suffix.lower() in {".csv", ".txt"}
            ]
        else:
            found.append(entry)
    return found


def resolve(source: Path, fmt: str, annotations: Path | None) -> tuple[str, list[Path]]:
    """(format, annotation paths) for an import; `fmt` may be "auto"."""
    if fmt != "auto" and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of auto, {', '.join(FORMATS)}")
    if annotations is not None:
        if not annotations.exists():
            raise InputError("annotation file not found", annotations)
        if annotations.suffix.lower() == ".xml":  # one INbreast file: its folder holds them all
            annotations = annotations.parent
        kind = classify(annotations) if fmt == "auto" else fmt
        if kind is None:
            raise InputError(
                "cannot tell the annotation format of this file; pass --format", annotations
            )
        return kind, [annotations]
    if fmt == "images":
        return "images", []
    found: dict[str, list[Path]] = {}
    for path in _candidates(source):
        kind = classify(path)
        if kind is not None and (fmt == "auto" or kind == fmt):
            found.setdefault(kind, []).append(path)
    if not found:
        if fmt == "auto":
            return "images", []
        raise InputError(
            f"no {fmt} annotation file found in the folder; pass --annotations", source
        )
    if len(found) > 1:
        listing = "; ".join(
            f"{k}: {', '.join(p.name for p in v)}" for k, v in sorted(found.items())
        )
        raise InputError(
            f"annotation files of several formats ({listing}); pass --format or --annotations",
            source,
        )
    kind, paths = next(iter(found.items()))
    if len(paths) > 1 and kind != "cbis-ddsm":  # CBIS ships four CSVs that belong together
        names = ", ".join(p.name for p in paths)
        raise InputError(f"several {kind} annotation files ({names}); pass --annotations", source)
    return kind, paths
