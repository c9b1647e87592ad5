"""The export formats: one image file per item (ImageFolder PNGs or TIFFs, DICOM) or one array
file (NPZ, HDF5). Each writer takes items in chunks with their pixels and says where the manifest
finds each item. Files are written plainly: the whole export is staged in a folder that is
renamed to its name only once complete (folder.py)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image

from ..errors import InputError
from ..workspace import PATCH_SIZE
from .dicom_sc import dicom_bytes
from .marks import png_info, tiff_tags
from .options import CLASSES
from .plan import ExportPlan, Item, SyntheticSource

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest date: no time of now in a file


class Writer(Protocol):
    def add(self, start: int, items: Sequence[Item], pixels: np.ndarray) -> None:
        """Write `items` (the export's items from index `start` on) with their pixels."""

    def where(self, item: Item, index: int) -> tuple[str, str]:
        """The manifest's file and index of an item."""

    def close(self) -> list[str]:
        """Finish the files; returns them, relative to the export folder."""

    def abort(self) -> None:
        """Close open files after a stop or an error (the staging folder is then removed)."""


class FileWriter:
    """<root>/<split>/<class>/<stem>.<ext>: the layout torchvision's ImageFolder and Keras'
    image_dataset_from_directory read (point them at <root>/<split>)."""

    def __init__(self, root: Path, ext: str, encode: Callable[[Item, int, np.ndarray], bytes]):
        self.root, self.ext, self.encode = root, ext, encode
        self.files: list[str] = []

    def path_of(self, item: Item) -> str:
        return f"{item.split}/{item.label}/{item.stem}.{self.ext}"

    def add(self, start: int, items: Sequence[Item], pixels: np.ndarray) -> None:
        for i, (item, px) in enumerate(zip(items, pixels)):
            rel = self.path_of(item)
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(self.encode(item, start + i + 1, px))
            self.files.append(rel)

    def where(self, item: Item, index: int) -> tuple[str, str]:
        return self.path_of(item), ""

    def close(self) -> list[str]:
        return self.files

    def abort(self) -> None:
        pass


def png_bytes(pixels: np.ndarray, mark: SyntheticSource | None) -> bytes:
    """`mark`: the generator of a synthetic image (its tEXt chunks), None for a real one."""
    buf = io.BytesIO()
    extra = {"pnginfo": png_info(mark)} if mark else {}
    Image.fromarray(pixels).save(buf, format="PNG", **extra)  # uint16 becomes a 16-bit PNG
    return buf.getvalue()


def tiff_bytes(pixels: np.ndarray, mark: SyntheticSource | None) -> bytes:
    """Uncompressed grey TIFF (16-bit kept); Pillow writes no date unless asked to."""
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="TIFF", **(tiff_tags(mark) if mark else {}))
    return buf.getvalue()


class NpzWriter:
    """dataset.npz: images (N x 128 x 128), labels (index into class_names, as ImageFolder
    numbers them), class_names, origin, split, and the synthetic images' marks: synthetic
    (bool), generator_run and generator_sha256 ('' for a real image). The images are streamed into the archive (an
    export may not fit in memory) with a fixed date, so the file is the same on a re-export."""

    name = "dataset.npz"

    def __init__(self, root: Path, plan: ExportPlan) -> None:
        self.plan = plan
        self.zip = zipfile.ZipFile(root / self.name, "w", zipfile.ZIP_STORED, allowZip64=True)
        dtype = np.dtype(plan.settings.dtype)
        self.images = self.zip.open(_entry("images"), "w", force_zip64=True)
        header = {
            "descr": np.lib.format.dtype_to_descr(dtype),
            "fortran_order": False,
            "shape": (len(plan.items), PATCH_SIZE, PATCH_SIZE),
        }
        np.lib.format.write_array_header_1_0(self.images, header)

    def add(self, start: int, items: Sequence[Item], pixels: np.ndarray) -> None:
        self.images.write(np.ascontiguousarray(pixels).tobytes())

    def where(self, item: Item, index: int) -> tuple[str, str]:
        return self.name, str(index)

    def close(self) -> list[str]:
        self.images.close()
        for key, array in _columns(self.plan).items():
            with self.zip.open(_entry(key), "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, array, allow_pickle=False)
        self.zip.close()
        return [self.name]

    def abort(self) -> None:
        self.images.close()
        self.zip.close()


def _entry(key: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(f"{key}.npy", date_time=_ZIP_TIME)
    info.external_attr = 0o644 << 16
    return info


def _columns(plan: ExportPlan) -> dict[str, np.ndarray]:
    items, src = plan.items, plan.source
    synthetic = np.array([it.origin == "synthetic" for it in items], dtype=bool)
    of_generator = lambda value: np.array([value if s else "" for s in synthetic])  # noqa: E731
    return {
        "labels": np.array([CLASSES.index(it.label) for it in items], dtype=np.int64),
        "class_names": np.array(CLASSES),
        "origin": np.array([it.origin for it in items]),
        "split": np.array([it.split for it in items]),
        "synthetic": synthetic,
        # str(''): an export without synthetic images still has the (empty) columns
        "generator_run": of_generator(src.run if src else ""),
        "generator_sha256": of_generator(src.sha256 if src else ""),
    }


class Hdf5Writer:
    """dataset.h5 with the datasets of the NPZ (strings as UTF-8); no timestamps in it."""

    name = "dataset.h5"

    def __init__(self, root: Path, plan: ExportPlan) -> None:
        h5py = require_h5py()
        self.plan = plan
        self.file = h5py.File(root / self.name, "w", track_order=False)
        self.images = self.file.create_dataset(
            "images",
            shape=(len(plan.items), PATCH_SIZE, PATCH_SIZE),
            dtype=plan.settings.dtype,
            chunks=(1, PATCH_SIZE, PATCH_SIZE),
            track_times=False,
        )

    def add(self, start: int, items: Sequence[Item], pixels: np.ndarray) -> None:
        self.images[start : start + len(items)] = pixels

    def where(self, item: Item, index: int) -> tuple[str, str]:
        return self.name, str(index)

    def close(self) -> list[str]:
        import h5py

        for key, array in _columns(self.plan).items():
            if array.dtype.kind == "U":
                array = array.astype(object)
                dtype = h5py.string_dtype()
            else:
                dtype = array.dtype
            self.file.create_dataset(key, data=array, dtype=dtype, track_times=False)
        self.file.close()
        return [self.name]

    def abort(self) -> None:
        self.file.close()


def require_h5py() -> Any:
    try:
        import h5py
    except ImportError:
        raise InputError(
            "the hdf5 format needs h5py: pip install 'mammogan[export]' (or pip install h5py)"
        ) from None
    return h5py


def make_writer(root: Path, plan: ExportPlan) -> Writer:
    fmt = plan.settings.format
    mark = lambda it: plan.source if it.origin == "synthetic" else None  # noqa: E731
    if fmt == "imagefolder":
        return FileWriter(root, "png", lambda it, n, px: png_bytes(px, mark(it)))
    if fmt == "tiff":
        return FileWriter(root, "tif", lambda it, n, px: tiff_bytes(px, mark(it)))
    if fmt == "dicom":
        digest = plan.digest()
        return FileWriter(root, "dcm", lambda it, n, px: dicom_bytes(it, n, px, digest, mark(it)))
    if fmt == "npz":
        return NpzWriter(root, plan)
    return Hdf5Writer(root, plan)
