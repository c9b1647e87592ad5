"""The per-image work, run in a worker process: read, mask, cut lesion and normal patches,
clean up. Returns small arrays (a few 128 x 128 patches), never the image."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import MammoganError
from ..io.decode import read_image
from ..io.header import ImageHeader
from ..preprocess.breast_mask import breast_mask
from ..preprocess.cleanup import keep_mask
from ..preprocess.crop import cut_patch
from ..preprocess.lesion_patches import (
    fixed_side_px,
    lesion_window,
    padding,
    pixel_box,
    too_large,
)
from ..preprocess.normal_patches import normal_windows
from ..preprocess.normalise import fit_intensity
from ..workspace import PATCH_SIZE
from .params import ExtractParams

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class FindingBox:
    finding_id: int
    finding_type: str
    box: Box | None  # None: the finding has no location


@dataclass(frozen=True)
class ImageTask:
    image_id: int
    path: str  # absolute
    findings: tuple[FindingBox, ...]
    spacing_mm: float | None
    params: ExtractParams
    normal_excluded: str | None = None  # why no normal patch may come from this image


@dataclass
class ImageResult:
    image_id: int
    path: str
    pixels: np.ndarray  # N x 128 x 128 uint8
    pixels_u16: np.ndarray | None
    rows: list[dict[str, Any]]  # label, finding_id, lesion_type, x0, y0, x1, y1 (+ padded)
    skipped: dict[str, int] = field(default_factory=dict)  # lesion_too_large, lesion_type, flat
    read_seconds: float = 0.0
    seconds: float = 0.0  # the whole image, read included
    error: str | None = None


def process_image(task: ImageTask) -> ImageResult:
    """Never raises for a bad image: the error is returned, so the batch goes on."""
    start = time.perf_counter()
    try:
        image = read_image(task.path)
        read_s = time.perf_counter() - start
        result = cut_image(image.pixels, image.header, task, image.pixel_max)
    except MammoganError as exc:
        return failed_result(task, exc.reason, time.perf_counter() - start)
    except Exception as exc:  # a decoder plugin or a damaged file can raise anything
        return failed_result(task, f"{type(exc).__name__}: {exc}", time.perf_counter() - start)
    result.read_seconds = read_s
    result.seconds = time.perf_counter() - start
    return result


def failed_result(task: ImageTask, reason: str, seconds: float = 0.0) -> ImageResult:
    empty = np.zeros((0, PATCH_SIZE, PATCH_SIZE), np.uint8)
    return ImageResult(task.image_id, task.path, empty, None, [], seconds=seconds, error=reason)


def cut_image(
    pixels: np.ndarray, header: ImageHeader, task: ImageTask, pixel_max: float | None = None
) -> ImageResult:
    """All patches of one decoded (bright = dense) image (`pixel_max`: its maximum, if known)."""
    p = task.params
    mask = breast_mask(pixels, p.breast_threshold)
    voi = (header.window_center, header.window_width, header.attributes.get("VOILUTFunction"))
    intensity = fit_intensity(
        pixels, p.normalise, mask=mask, percentiles=p.percentiles, window=voi, known_max=pixel_max
    )
    spacing = task.spacing_mm or header.spacing_mm
    opts = p.lesion_options()
    skipped = {"lesion_too_large": 0, "lesion_type": 0, "flat": 0}
    windows: list[tuple[int, int, int, int]] = []
    rows: list[dict[str, Any]] = []
    for f in task.findings:
        if f.box is None:
            continue
        box = pixel_box(f.box, p.box_ends)
        if p.lesion_types and f.finding_type not in p.lesion_types:
            skipped["lesion_type"] += 1
        elif too_large(box, p.max_lesion_px):
            skipped["lesion_too_large"] += 1
        else:
            window = lesion_window(box, opts, spacing, pixels.shape)
            windows.append(window)
            row = {"label": "lesion", "finding_id": f.finding_id, "lesion_type": f.finding_type}
            pad = padding(window, *pixels.shape)
            if any(pad):  # said in the patch's params: left, top, right, bottom pixels
                row["padded"] = list(pad)
            rows.append(row)
    # An unlocated finding could be anywhere: no normal tissue is taken from that image.
    if task.normal_excluded is None and all(f.box is not None for f in task.findings):
        # In fixed-scale mode normal tissue is cut at the lesions' physical scale too.
        side = fixed_side_px(opts, spacing) if p.scale == "fixed" else PATCH_SIZE
        boxes = np.array([pixel_box(f.box, p.box_ends) for f in task.findings], np.float64).reshape(
            -1, 4
        )
        rng = np.random.default_rng([p.seed, task.image_id])
        for w in normal_windows(
            mask,
            boxes,
            p.normal_per_image,
            rng,
            side,
            p.candidates_per_round,
            p.max_rounds,
            p.normal_margin_px,
            p.normal_overlap,
            p.normal_draw,
            p.normal_max_background,
        ):
            windows.append(tuple(int(v) for v in w))
            rows.append({"label": "normal", "finding_id": None, "lesion_type": None})
    cut = [cut_patch(pixels, w, intensity, PATCH_SIZE, p.pad, p.uint16) for w in windows]
    u8 = np.stack([c[0] for c in cut]) if cut else np.zeros((0, PATCH_SIZE, PATCH_SIZE), np.uint8)
    keep = keep_mask(u8, p.min_grey_levels)
    if p.grey_levels_rule == "normal":  # the seed's: lesion patches are never dropped
        keep |= np.array([r["label"] == "lesion" for r in rows], bool)
    skipped["flat"] = int((~keep).sum())
    for row, w in zip(rows, windows):
        row.update(x0=w[0], y0=w[1], x1=w[2], y1=w[3])
    u16 = np.stack([c[1] for c in cut])[keep] if cut and p.uint16 else None
    return ImageResult(
        task.image_id, task.path, u8[keep], u16, [r for r, k in zip(rows, keep) if k], skipped
    )
