"""A finding's bounding box in image pixels, checked against the image: clipped when the lesion
is in the image but its outline overshoots the border (mini-MIAS circles near the edge), skipped
when it lies outside or is degenerate. Mask boxes come from the mask pixels."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..annotations.schema import Box, Circle, Geometry, Mask, Polygon
from ..errors import MammoganError
from ..io import decode_pixels


class GeometryRejected(Exception):
    """The finding cannot be used; the message is the reason."""


def raw_box(geometry: Geometry) -> Box:
    if isinstance(geometry, Box):
        return Box(
            min(geometry.x0, geometry.x1),
            min(geometry.y0, geometry.y1),
            max(geometry.x0, geometry.x1),
            max(geometry.y0, geometry.y1),
        )
    if isinstance(geometry, Circle):
        return Box(
            geometry.cx - geometry.r,
            geometry.cy - geometry.r,
            geometry.cx + geometry.r,
            geometry.cy + geometry.r,
        )
    if isinstance(geometry, Polygon):
        xs = [p[0] for p in geometry.points]
        ys = [p[1] for p in geometry.points]
        return Box(min(xs), min(ys), max(xs), max(ys))
    raise TypeError(f"no box for {type(geometry).__name__}")


def mask_box(path: str, rows: int | None, cols: int | None) -> Box:
    """Bounding box of a mask file's foreground (pixel edges: x1 = last column + 1). Foreground is
    above half the maximum, so compression ringing around a 0/255 mask does not widen it."""
    try:
        pixels = decode_pixels(path)
    except MammoganError as exc:
        raise GeometryRejected(f"mask cannot be read ({exc.reason})") from exc
    if rows is not None and cols is not None and pixels.shape != (rows, cols):
        raise GeometryRejected(
            f"mask is {pixels.shape[1]}x{pixels.shape[0]} but the image is {cols}x{rows} "
            "(a cropped image or a mask of another image)"
        )
    top = pixels.max() if pixels.size else 0
    if top <= 0:
        raise GeometryRejected("mask is empty (all zeros)")
    foreground = pixels > top / 2
    ys = np.flatnonzero(foreground.any(axis=1))
    xs = np.flatnonzero(foreground.any(axis=0))
    return Box(float(xs[0]), float(ys[0]), float(xs[-1] + 1), float(ys[-1] + 1))


def fit(box: Box, rows: int | None, cols: int | None) -> Box:
    """Clip to the image when the box centre is inside it; reject otherwise."""
    if box.x1 - box.x0 <= 0 or box.y1 - box.y0 <= 0:
        raise GeometryRejected(f"degenerate box ({box.x0:g}, {box.y0:g})-({box.x1:g}, {box.y1:g})")
    if rows is None or cols is None:
        return box
    cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
    if not (0 <= cx < cols and 0 <= cy < rows):
        overlaps = box.x0 < cols and box.x1 > 0 and box.y0 < rows and box.y1 > 0
        raise GeometryRejected(
            f"box ({box.x0:g}, {box.y0:g})-({box.x1:g}, {box.y1:g}) lies "
            f"{'mostly ' if overlaps else ''}outside the {cols}x{rows} image"
        )
    return Box(
        max(0.0, box.x0), max(0.0, box.y0), min(float(cols), box.x1), min(float(rows), box.y1)
    )


def geometry_json(geometry: Geometry, stored_path: Callable[[str], str]) -> tuple[str, str]:
    """(kind, JSON) for the catalogue; mask paths as the workspace stores paths."""
    if isinstance(geometry, Box):
        kind, value = (
            "box",
            {"x0": geometry.x0, "y0": geometry.y0, "x1": geometry.x1, "y1": geometry.y1},
        )
    elif isinstance(geometry, Circle):
        kind, value = "circle", {"cx": geometry.cx, "cy": geometry.cy, "r": geometry.r}
    elif isinstance(geometry, Polygon):
        kind, value = "polygon", {"points": [list(p) for p in geometry.points]}
    else:
        kind, value = "mask", {"mask": stored_path(geometry.path)}
    return kind, json.dumps(value, sort_keys=True)


def finding_box(geometry: Geometry, rows: int | None, cols: int | None) -> Box:
    """The checked bounding box of any geometry (raises GeometryRejected with the reason)."""
    if isinstance(geometry, Mask):
        if not Path(geometry.path).is_file():
            raise GeometryRejected(f"no mask file {geometry.path}")
        return mask_box(geometry.path, rows, cols)
    return fit(raw_box(geometry), rows, cols)
