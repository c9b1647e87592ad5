"""Finding image files in a dataset folder: one walk, then dictionary look-ups (no O(n^2))."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

IMAGE_SUFFIXES = {".dcm", ".dicom", ".dic", ".png", ".pgm", ".tif", ".tiff", ".jpg", ".jpeg"}


def _has_dicom_magic(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(132)[128:132] == b"DICM"
    except OSError:
        return False


def is_image_file(path: Path) -> bool:
    """An image by its suffix; a file named by its UID (`1.2.840....`, OPTIMAM exports); or an
    extension-less file with the DICOM preamble (PACS exports)."""
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES or suffix[1:].isdigit():
        return True
    return suffix == "" and _has_dicom_magic(path)


def image_name_key(path: Path) -> str:
    """The file name without an image suffix: `1.2.3.4.dcm` and `1.2.3.4` both give `1.2.3.4`."""
    return path.stem if path.suffix.lower() in IMAGE_SUFFIXES else path.name


def walk_files(root: Path) -> Iterator[Path]:
    """Every file under `root`, in a stable order, skipping hidden files and folders (macOS
    copies leave `._1-1.dcm` resource forks next to the real files)."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def image_files(root: Path) -> list[Path]:
    return [p for p in walk_files(root) if is_image_file(p)]


class FileIndex:
    """Image files under a root, by lower-case stem and by the name of each folder above them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.by_stem: dict[str, list[Path]] = defaultdict(list)
        self.by_folder: dict[str, list[Path]] = defaultdict(list)
        for path in image_files(root):
            self.by_stem[image_name_key(path).lower()].append(path)
            for parent in path.relative_to(root).parents:
                if parent.name:
                    self.by_folder[parent.name].append(path)

    def stem(self, stem: str) -> Path | None:
        found = self.by_stem.get(stem.lower())
        return found[0] if found else None

    def under(self, folder_name: str) -> list[Path]:
        """Image files anywhere below every folder called `folder_name`."""
        return self.by_folder.get(folder_name, [])

    def by_name_prefix(self, sep: str = "_") -> dict[str, list[Path]]:
        """Files grouped by the part of their name before `sep` (INbreast: `<id>_<hash>_...`)."""
        groups: dict[str, list[Path]] = defaultdict(list)
        for paths in self.by_stem.values():
            for path in paths:
                groups[path.name.split(sep, 1)[0]].append(path)
        return groups
