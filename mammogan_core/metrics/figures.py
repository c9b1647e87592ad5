"""The report's PNG figures, drawn with Pillow (no plotting library needed): sample grids, the
nearest-distance histograms and the suspected copies beside their real patches."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ..atomic import atomic_open
from ..palette import KIND_COLOURS
from ..training.data import grid, write_png
from .features import flips
from .memorisation import Memorisation

GRID_N = 64
COPIES_SHOWN = 16
_W, _H, _PAD = 420, 220, 30
_REAL, _FAKE, _LINE = (120, 120, 120), (40, 110, 220), (220, 40, 40)


def write_grid(path: Path, images: np.ndarray) -> None:
    """The first 64 patches as an 8 x 8 grid of 64 px tiles (the Train panel's grids' scale)."""
    write_png(
        path, grid(torch.from_numpy(np.ascontiguousarray(images[:GRID_N])).unsqueeze(1)).numpy()
    )


def _save_rgb(path: Path, image: object) -> None:
    with atomic_open(path, "wb") as fh:
        image.save(fh, format="PNG")  # type: ignore[attr-defined]


def _panel(
    draw: object, x0: int, title: str, real: np.ndarray, fake: np.ndarray, cut: float
) -> None:
    top = max(float(np.max(real, initial=0)), float(np.max(fake, initial=0)), cut, 1e-9) * 1.05
    edges = np.linspace(0, top, 41)
    h_real = np.histogram(real, edges)[0] / max(len(real), 1)
    h_fake = np.histogram(fake, edges)[0] / max(len(fake), 1)
    peak = max(h_real.max(initial=0), h_fake.max(initial=0), 1e-9)
    width = (_W - 2 * _PAD) / 40
    for i in range(40):
        left = x0 + _PAD + i * width
        for hist, colour, inset in ((h_real, _REAL, 0), (h_fake, _FAKE, width / 3)):
            height = (_H - 2 * _PAD) * hist[i] / peak
            draw.rectangle(  # type: ignore[attr-defined]
                [left + inset, _H - _PAD - height, left + inset + width / 2, _H - _PAD], fill=colour
            )
    x_cut = x0 + _PAD + (_W - 2 * _PAD) * cut / top
    draw.line([x_cut, _PAD, x_cut, _H - _PAD], fill=_LINE, width=2)  # type: ignore[attr-defined]
    draw.line([x0 + _PAD, _H - _PAD, x0 + _W - _PAD, _H - _PAD], fill=(0, 0, 0))  # type: ignore[attr-defined]
    draw.text((x0 + _PAD, 6), title, fill=(0, 0, 0))  # type: ignore[attr-defined]
    draw.text((x0 + _PAD, _H - _PAD + 6), f"0 .. {top:.3g}", fill=(0, 0, 0))  # type: ignore[attr-defined]


def write_histograms(path: Path, memo: Memorisation) -> None:
    """Nearest-real distances: real-to-real (grey) and synthetic-to-real (blue), with the copy
    threshold (red); in pixels (RMS grey levels) and in the feature space."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (2 * _W, _H), "white")
    draw = ImageDraw.Draw(image)
    _panel(
        draw,
        0,
        "nearest real, RMS grey levels",
        memo.real_pixels,
        memo.pixels.distance,
        memo.pixel_threshold,
    )
    _panel(
        draw,
        _W,
        "nearest real, feature distance",
        memo.real_features,
        memo.features.distance,
        memo.feature_threshold,
    )
    _save_rgb(path, image)


def copy_pairs(
    fake: np.ndarray, real: np.ndarray, memo: Memorisation, limit: int = COPIES_SHOWN
) -> tuple[np.ndarray, np.ndarray]:
    """The first `limit` suspected copies, each flipped as it matched, and their nearest real
    patches (k x H x W uint8 each, rows aligned)."""
    shown = memo.suspects[:limit]
    # the synthetic patch flipped as it matched lines up with the real patch as stored
    matched = [flips(fake[s["index"] : s["index"] + 1])[s["flip"]][0] for s in shown]
    empty = np.zeros((0, *fake.shape[1:]), np.uint8)
    return (
        np.stack(matched).astype(np.uint8) if matched else empty,
        real[[s["real_index"] for s in shown]].astype(np.uint8) if shown else empty,
    )


def write_copies(path: Path, fake: np.ndarray, real: np.ndarray, memo: Memorisation) -> None:
    """Each suspected copy (up to 16) beside its nearest real patch, flipped as it matched."""
    size = fake.shape[-1]
    matched, nearest = copy_pairs(fake, real, memo)
    canvas = np.full((max(len(matched), 1) * (size + 4), 2 * size + 4), 255, np.uint8)
    for row, (a, b) in enumerate(zip(matched, nearest, strict=True)):
        y = row * (size + 4)
        canvas[y : y + size, :size] = a
        canvas[y : y + size, size + 4 :] = b
    write_png(path, canvas)


TSNE_COLOURS = {k: tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for k, c in KIND_COLOURS.items()}
_MAP_PX, _LEGEND_PX = 800, 26


def write_tsne(path: Path, coords: np.ndarray, kind: np.ndarray) -> None:
    """The t-SNE map as dots coloured by kind (the app's palette), with a legend and counts:
    normal tissue drawn first, then synthetic lesions, then real lesions on top, so that a few
    lesions stay visible among many normal patches and no real lesion hides under synthetic
    ones. Both axes share one scale (t-SNE distances have no direction)."""
    from PIL import Image, ImageDraw

    canvas = np.full((_LEGEND_PX + _MAP_PX, _MAP_PX, 3), 255, np.uint8)
    placed = np.isfinite(coords).all(axis=1)
    if placed.any():
        lo, hi = coords[placed].min(axis=0), coords[placed].max(axis=0)
        scale = (_MAP_PX - 2 * _PAD) / max(float((hi - lo).max()), 1e-9)
        offset = (_MAP_PX - (hi - lo) * scale) / 2  # centred
        xy = np.rint((coords[placed] - lo) * scale + offset).astype(np.int64)
        x, y = xy[:, 0], _LEGEND_PX + _MAP_PX - 1 - xy[:, 1]  # y up, as in a plot
        r = 3 if len(xy) < 2000 else 2 if len(xy) < 20_000 else 1  # dots shrink as they crowd
        for name, colour in TSNE_COLOURS.items():
            mine = kind[placed] == name
            for dy in range(-r, r + 1):
                for dx in range(-r, r + 1):
                    canvas[y[mine] + dy, x[mine] + dx] = colour
    image = Image.fromarray(canvas)
    draw = ImageDraw.Draw(image)
    left = _PAD
    for name, colour in TSNE_COLOURS.items():
        label = f"{name.replace('_', ' ')} ({int((kind == name).sum()):,})"
        draw.rectangle([left, 8, left + 10, 18], fill=colour)
        draw.text((left + 14, 7), label, fill=(0, 0, 0))
        left += 34 + int(draw.textlength(label))
    _save_rgb(path, image)
