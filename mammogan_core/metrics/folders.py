"""`mammogan metrics`: the same figures between two folders of images (PNG, TIFF, PGM, DICOM).

Each image is read with its display window (DICOM's VOI LUT or window, else the nominal range),
scaled to 0-255 and, when it is not 128 x 128, resized to it (bilinear), the patch size every
metric here is defined on. A file that cannot be read is reported and skipped. The report goes
to FAKE_DIR/evaluation/.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import numpy as np

from ..control import Control
from ..errors import InputError
from ..events import Event, Finished, ItemError, Progress
from ..io import ImageReadError, read_image
from ..training.devices import resolve_device
from ..workspace import PATCH_SIZE
from .measure import measure
from .options import MetricsOptions
from .report import to_result, write_report
from .user_settings import inception_weights

SUFFIXES = {".png", ".tif", ".tiff", ".pgm", ".dcm", ".dicom"}
REPORT = "evaluation"


def image_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise InputError("no such folder", folder)
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)


def as_patch(pixels: np.ndarray) -> np.ndarray:
    """[0, 1] floats -> 128 x 128 uint8."""
    u8 = np.clip(np.rint(pixels.astype(np.float32) * 255), 0, 255).astype(np.uint8)
    if u8.shape == (PATCH_SIZE, PATCH_SIZE):
        return u8
    from PIL import Image

    return np.asarray(Image.fromarray(u8).resize((PATCH_SIZE, PATCH_SIZE), Image.BILINEAR))


def read_folder(
    folder: Path, control: Control
) -> Generator[Event, None, tuple[np.ndarray, list[str]]]:
    files = image_files(folder)
    images, names = [], []
    for i, path in enumerate(files):
        control.check()
        try:
            images.append(as_patch(read_image(path, voi="dicom").pixels))
            names.append(path.name)
        except ImageReadError as exc:
            yield ItemError(str(path), exc.reason)
        yield Progress(i + 1, len(files), f"reading {folder.name}", "images")
    if not images:
        raise InputError(f"no readable image ({', '.join(sorted(SUFFIXES))}) in the folder", folder)
    return np.stack(images), names


def compare_folders(options: MetricsOptions, control: Control) -> Iterator[Event]:
    real_dir, fake_dir = Path(options.real_dir).expanduser(), Path(options.fake_dir).expanduser()
    weights = inception_weights(options.inception_weights)
    device = resolve_device(options.device)
    real, real_names = yield from read_folder(real_dir, control)
    fake, fake_names = yield from read_folder(fake_dir, control)
    m = yield from measure(
        real, fake, inception=weights, device=device, control=control, seed=options.seed
    )
    folder = fake_dir / REPORT
    source = {"real_dir": str(real_dir.resolve()), "fake_dir": str(fake_dir.resolve())}
    result = to_result(m, folder, len(real), len(fake), source, fake_names, real_names)
    write_report(folder, result, m, real, fake)
    yield Finished(result)
