"""Write catalogued patches as PNG files `<patch_id>.png` plus an `index.csv`."""

from __future__ import annotations

import contextlib
import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from ..atomic import atomic_open
from ..control import Control, Stopped
from ..events import Event, Finished, Log, Progress
from ..workspace import Workspace

INDEX_COLUMNS = (
    "patch_id",
    "label",
    "split",
    "lesion_type",
    "label_raw",
    "source_image",
    "x0",
    "y0",
    "x1",
    "y1",
)
CHUNK = 256  # patches read from the store per step


def _write_png(path: Path, pixels: np.ndarray) -> None:
    """Temp file + rename: a killed process never leaves a half PNG. No fsync per file (150K
    of them would take minutes); the index, written last, is fsynced."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # open() keeps the umask's mode
    try:
        with open(tmp, "wb") as fh:
            Image.fromarray(pixels).save(fh, format="PNG")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def export_pngs(
    ws: Workspace,
    out: str | Path,
    control: Control,
    label: str | None = None,
    limit: int | None = None,
) -> Iterator[Event]:
    """lesion_type in the index is the normalised type (mass, calcification, ...), label_raw
    the finding's name in its source dataset (CIRC, SPIC, ...); source_image names the image
    without where the dataset lies (see `source_name`)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    where = "p.label = ?" if label else "p.label IN ('lesion', 'normal')"
    rows = ws.query(
        "SELECT p.id, p.label, p.split, p.lesion_type, f.label_raw, i.path, p.x0, p.y0, p.x1, p.y1, "
        "i.id, s.root "
        "FROM patches p LEFT JOIN findings f ON f.id = p.finding_id "
        "LEFT JOIN images i ON i.id = p.image_id LEFT JOIN sources s ON s.id = i.source_id "
        f"WHERE {where} ORDER BY p.id" + (" LIMIT ?" if limit is not None else ""),
        [v for v in (label, limit) if v is not None],
    )
    done = 0
    try:
        for start in range(0, len(rows), CHUNK):
            control.check()
            chunk = rows[start : start + CHUNK]
            pixels = ws.patch_pixels([r[0] for r in chunk])
            for r, px in zip(chunk, pixels):
                _write_png(out / f"{r[0]}.png", px)
            done += len(chunk)
            yield Progress(done, len(rows), "", "patches")
    except Stopped:  # no index: the folder is an unfinished export that the same command ends
        yield Log(f"stopped after {done} of {len(rows)} patches; run again to finish", "warning")
        yield Finished({"out": str(out), "patches": done, "status": "stopped"})
        return
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(INDEX_COLUMNS)
    for r in rows:
        values = list(r)[: len(INDEX_COLUMNS)]
        values[5] = source_name(ws, r[5], r[11], r[10])
        writer.writerow("" if v is None else v for v in values)
    index = out / "index.csv"
    with atomic_open(index, "w") as fh:
        fh.write(text.getvalue())
    yield Finished(
        {"out": str(out), "patches": len(rows), "index": str(index), "status": "finished"}
    )


def source_name(ws: Workspace, path: str | None, root: str | None, image_id: int | None) -> str:
    """The image's path relative to its dataset's root, or `image-<catalogue id>` when it lies
    elsewhere: never an absolute path, whose folders may hold a patient's name or id."""
    if path is None:
        return ""
    if root is not None:
        with contextlib.suppress(ValueError):
            return ws.resolve(path).relative_to(ws.resolve(root)).as_posix()
    return f"image-{image_id}"
