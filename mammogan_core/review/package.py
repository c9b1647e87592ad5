"""A reading package: a self-contained folder that a reader opens with the same app, here or on
another machine. It holds the images and the set description, never the key:

    <package>/review.json        set id, title, instructions, display defaults, images + sha256
    <package>/images/<id>.png    one uncompressed PNG per image, all of the same size in bytes
    <package>/answers/<reader>.jsonl   written while reading (reading.py)

Nothing in it tells real from synthetic but the pixels: ids are random, files are listed in id
order, every file has the same size, the same bit depth, no text chunks and one mtime."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError

if TYPE_CHECKING:
    from ..workspace import Workspace

PACKAGE_JSON = "review.json"
IMAGES = "images"
ANSWERS = "answers"
FORMAT = "mammogan-review-package"
VERSION = 1
FIXED_MTIME = 946684800  # 2000-01-01 UTC: every file of a package gets it, so no time order
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class ReviewPackage:
    """An opened, checked package. `image_ids` are opaque and listed in id order."""

    path: Path
    set_id: str
    title: str
    instructions: str
    image_ids: tuple[str, ...]
    order_seed: str  # seeds each reader's reading order; random, independent of the classes
    bits: int  # 8 or 16: the stored bit depth
    display: dict[str, Any] = field(default_factory=dict)  # zoom, window / level defaults

    @property
    def answers_dir(self) -> Path:
        return self.path / ANSWERS

    def image_path(self, image_id: str) -> Path:
        if image_id not in self.image_ids:
            raise InputError(f"no image {image_id!r} in this review package", self.path)
        return self.path / IMAGES / f"{image_id}.png"

    def image(self, image_id: str) -> np.ndarray:
        """The pixels (2-D, uint8 or uint16 as stored)."""
        return decode_png(self.image_path(image_id).read_bytes(), self.bits)


def png_bytes(pixels: np.ndarray) -> bytes:
    """A grayscale PNG with one uncompressed IDAT (zlib level 0), filter 0 on every row and no
    other chunk: the same number of bytes for every image of the same shape and dtype (a
    compressed PNG is smaller for a smooth synthetic patch than for a noisy real one)."""
    if pixels.ndim != 2 or pixels.dtype not in (np.uint8, np.uint16):
        raise ValueError("a 2-D uint8 or uint16 image")
    h, w = pixels.shape
    big_endian = np.ascontiguousarray(pixels, pixels.dtype.newbyteorder(">"))
    rows = np.concatenate([np.zeros((h, 1), np.uint8), big_endian.view(np.uint8).reshape(h, -1)], 1)
    header = struct.pack(">IIBBBBB", w, h, pixels.dtype.itemsize * 8, 0, 0, 0, 0)
    return b"".join(
        (
            _PNG_SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(rows.tobytes(), 0)),
            _chunk(b"IEND", b""),
        )
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def decode_png(data: bytes, bits: int) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        pixels = np.asarray(im)
    return pixels.astype(np.uint16 if bits == 16 else np.uint8, copy=False)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_package(
    folder: Path,
    description: dict[str, Any],
    images: Iterable[tuple[str, np.ndarray]],
) -> None:
    """Write a package into an empty `folder`: the images in id order, then review.json listing
    them with their sha256, then one mtime on everything. `description` holds set_id, title,
    instructions, order_seed, bits and display."""
    (folder / IMAGES).mkdir(parents=True)
    (folder / ANSWERS).mkdir()
    listed = []
    for image_id, pixels in sorted(images, key=lambda item: item[0]):
        data = png_bytes(pixels)
        (folder / IMAGES / f"{image_id}.png").write_bytes(data)
        listed.append({"id": image_id, "sha256": sha256_of(data)})
    record = {"format": FORMAT, "version": VERSION, **description, "images": listed}
    (folder / PACKAGE_JSON).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    _same_mtime(folder)


def _same_mtime(folder: Path) -> None:
    for path in [*folder.rglob("*"), folder]:
        os.utime(path, (FIXED_MTIME, FIXED_MTIME))


def copy_package(source: Path, target: Path) -> None:
    """The package's description and images (no answers) into an empty or new `target`."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError("the package folder must be new or empty", target)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / IMAGES, target / IMAGES, dirs_exist_ok=True)
    shutil.copy2(source / PACKAGE_JSON, target / PACKAGE_JSON)
    (target / ANSWERS).mkdir()
    _same_mtime(target)


def open_package(path: str | Path) -> ReviewPackage:
    """Open and check a package: InputError naming the file when the description is not a
    package's, or an image is missing or altered (its sha256 differs from the listed one)."""
    root = Path(path).expanduser().resolve()
    described = root / PACKAGE_JSON
    if not described.is_file():
        raise InputError(f"not a review package (no {PACKAGE_JSON} in it)", root)
    try:
        record = json.loads(described.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read the set description: {exc}", described) from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise InputError("not a MammoGAN review package description", described)
    if record.get("version", 0) > VERSION:
        raise InputError("made by a newer MammoGAN: update the app to read it", described)
    try:
        listed = [(str(im["id"]), str(im["sha256"])) for im in record["images"]]
        bits = int(record["bits"])
        package = ReviewPackage(
            root,
            str(record["set_id"]),
            str(record.get("title", "")),
            str(record.get("instructions", "")),
            tuple(image_id for image_id, _ in listed),
            str(record["order_seed"]),
            bits,
            dict(record.get("display") or {}),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"the set description lacks {exc}", described) from None
    for image_id, digest in listed:
        image = root / IMAGES / f"{image_id}.png"
        if not image.is_file():
            raise InputError("an image of the set is missing from the package", image)
        if sha256_of(image.read_bytes()) != digest:
            raise InputError(
                "this image was altered after the set was made (its sha256 differs from the "
                "set description's); ask the organiser for a fresh package",
                image,
            )
    return package


def export_package(workspace: Workspace, set_id: str, out_dir: str | Path) -> Path:
    """Copy the set's package (images and description, no key, no answers) to a new or empty
    folder, for a reader on another machine. Returns the folder."""
    from .layout import package_dir

    target = Path(out_dir).expanduser().resolve()
    copy_package(open_package(package_dir(workspace, set_id)).path, target)
    return target
