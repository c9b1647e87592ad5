"""Film-scanned mammograms like the public film databases (mini-MIAS): 8-bit, 1024 x 1024 at
0.2 mm, MLO views in left / right pairs, and what a scanned film has that a digital image has
not: a noisy non-zero background, a scanner edge strip along the side opposite the chest wall,
a bright film label with letters a few millimetres from the skin line, and film_artifacts.py's
halo, full-height scanner lines and chest-wall strip, and saturated white film edge.

The breast is the digital phantom's (same patients, same lesions), rendered into the chest-wall
part of the image; `Film.breast` is its ground-truth mask, for tests and benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .film_artifacts import add_chest_wall_strip, add_halo, add_scanner_lines, add_white_edge
from .plan import ImagePlan, make_patient, plan_image
from .render import render_tissue_and_lesions

FILM_SIZE = 1024
FILM_SPACING_MM = 0.2
GUTTER = 0.14  # width beyond the breast's render area: room for the strip

# 5 x 5 block letters: enough for "R MLO 12".
GLYPHS = {
    "L": "#....#....#....#....#####",
    "R": "####.#...#####.#..#.#...#",
    "M": "#...###.###.#.##...##...#",
    "O": ".###.#...##...##...#.###.",
    "0": ".###.#..###.#.###..#.###.",
    "1": "..#..##....#....#...#####",
    "2": "####.....#.###.#....#####",
    "3": "####.....#.###.....#####.",
    "4": "#..#.#..#.#####...#....#.",
    "5": "######....####.....#####.",
    "6": ".###.#....####.#...#.###.",
    "7": "#####...#...#...#....#...",
    "8": ".###.#...#.###.#...#.###.",
    "9": ".###.#...#.####....#.###.",
    " ": "." * 25,
}


@dataclass(frozen=True)
class FilmPlan:
    image: ImagePlan  # the breast: rows x breast_cols, canonical orientation
    ref: str  # mini-MIAS reference, mdbNNN: odd numbers right, even left
    rows: int
    cols: int


@dataclass(frozen=True)
class Film:
    pixels: np.ndarray  # uint8, stored orientation
    breast: np.ndarray  # bool ground truth, stored orientation
    label: tuple[int, int, int, int] | None  # (x0, y0, x1, y1), stored orientation


def plan_film(seed: int, i: int, rows: int = FILM_SIZE, cols: int = FILM_SIZE) -> FilmPlan:
    """Film i shows the MLO view of patient i // 2: right for even i (mdb001), left for odd,
    the same breasts as the digital corpus' RMLO / LMLO of that patient."""
    patient = make_patient(seed, i // 2)
    breast_cols = round(cols * (1 - GUTTER))
    image = plan_image(seed, 4 * (i // 2) + 2 + i % 2, rows, breast_cols, patient, FILM_SPACING_MM)
    return FilmPlan(image, f"mdb{i + 1:03d}", rows, cols)


def render_film(plan: FilmPlan) -> Film:
    rng = plan.image.rng(3)
    tissue, air = render_tissue_and_lesions(plan.image, rng)
    rows, cols = plan.rows, plan.cols
    film_rng = plan.image.rng(4)
    background, grain = film_rng.uniform(10, 40), film_rng.uniform(2.5, 5.0)
    base, gain = film_rng.uniform(25, 45), film_rng.uniform(260, 320)
    # the scanner's uneven light: a gentle gradient across the background
    tilt = np.linspace(-1, 1, cols, dtype=np.float32)[None, :] * np.float32(film_rng.uniform(-5, 5))
    film = np.full((rows, cols), background, np.float32) + tilt
    part = film[:, : tissue.shape[1]]
    np.copyto(part, base + gain * tissue, where=~air)
    breast = np.zeros((rows, cols), bool)
    breast[:, : tissue.shape[1]] = ~air
    strip = int(film_rng.integers(8, 25))
    streaks = film_rng.uniform(170, 245) + 6 * film_rng.standard_normal((rows, 1))
    film[:, cols - strip :] = streaks.astype(np.float32)
    add_halo(film, breast, film_rng)
    add_chest_wall_strip(film, breast, film_rng)
    add_scanner_lines(film, film_rng)
    add_white_edge(film, breast, film_rng)
    if plan.image.mirrored:
        film, breast = np.ascontiguousarray(film[:, ::-1]), np.ascontiguousarray(breast[:, ::-1])
    # drawn in stored orientation, so its text reads left to right
    text = f"{plan.image.laterality} MLO {int(plan.ref[3:]) % 100:02d}"
    w, h = _label_size(text)
    clearance = int(film_rng.integers(6, 20))  # 1-4 mm from the skin line, as on the scans
    label = _label_beside(breast, w, h, clearance, plan.image.mirrored, strip, film_rng)
    if label is not None:
        _draw_label(film, label, text, film_rng.uniform(200, 250), film_rng.uniform(20, 70))
    film += film_rng.standard_normal((rows, cols), dtype=np.float32) * np.float32(grain)
    pixels = np.clip(film + 0.5, 0, 255).astype(np.uint8)
    return Film(pixels, breast, label)


SCALE = 5  # pixels per glyph dot: 5 mm tall letters
PAD = 12


def _label_size(text: str) -> tuple[int, int]:
    return len(text) * 6 * SCALE - SCALE + 2 * PAD, 5 * SCALE + 2 * PAD


def _label_beside(
    breast: np.ndarray,
    w: int,
    h: int,
    clearance: int,
    mirrored: bool,
    strip: int,
    rng: np.random.Generator,
) -> tuple[int, int, int, int] | None:
    """A w x h label `clearance` pixels beside the skin line, at a random height where it fits
    between the breast and the edge strip; None when it fits nowhere."""
    rows, cols = breast.shape
    # stored orientation: the breast on the left (right breast) or on the right (mirrored)
    reach = breast.any(axis=0)
    for y0 in rng.permutation(np.arange(PAD + 45, rows - h - PAD - 45, 8)):
        band = breast[max(0, y0 - clearance) : y0 + h + clearance]
        filled = np.nonzero(band.any(axis=0))[0]
        if not len(filled) or not reach.any():
            continue
        if mirrored:
            x1 = int(filled[0]) - clearance
            x0 = x1 - w
            ok = x0 >= strip + PAD
        else:
            x0 = int(filled[-1]) + 1 + clearance
            ok = x0 + w <= cols - strip - PAD
        if ok:
            return (x0, int(y0), x0 + w, int(y0) + h)
    return None


def _draw_label(
    film: np.ndarray, box: tuple[int, int, int, int], text: str, paper: float, ink: float
) -> None:
    x0, y0, x1, y1 = box
    film[y0:y1, x0:x1] = paper
    for k, char in enumerate(text):
        dots = np.array([c == "#" for c in GLYPHS[char]]).reshape(5, 5)
        glyph = np.kron(dots, np.ones((SCALE, SCALE), bool))
        gx, gy = x0 + PAD + k * 6 * SCALE, y0 + PAD
        film[gy : gy + 5 * SCALE, gx : gx + 5 * SCALE][glyph] = ink
