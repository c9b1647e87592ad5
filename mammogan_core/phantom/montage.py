"""A README picture of one phantom patient: RCC, LCC, RMLO, LMLO side by side, findings outlined.

    python -m mammogan_core.phantom.montage OUT.png [--corpus DIR] [--seed S] [--width 1200]

Without --corpus it writes 12 full-size images to a temporary folder first. The images are read
back from the DICOM files (window and MONOCHROME1 applied), so the picture shows what an
importer sees.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import pydicom
from PIL import Image, ImageDraw

from ..runner import drive
from .corpus import generate_corpus

HANGING = ("R_CC", "L_CC", "R_MLO", "L_MLO")
GAP = 8
CAPTION = 22


def display(path: Path) -> np.ndarray:
    """8-bit display image: the file's first window, MONOCHROME1 inverted."""
    ds = pydicom.dcmread(path)
    v = ds.pixel_array.astype(np.float32)
    centre, width = float(ds.WindowCenter), float(ds.WindowWidth)
    out = np.clip((v - (centre - width / 2)) / width, 0, 1)
    if ds.PhotometricInterpretation == "MONOCHROME1":
        out = 1 - out
    return (out * 255).astype(np.uint8)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def _pick_case(corpus: Path) -> tuple[list[dict[str, str]], dict[str, list[dict[str, str]]]]:
    """The patient with findings in both breasts and the most findings overall."""
    findings = defaultdict(list)
    for row in _read(corpus / "annotations.csv"):
        findings[row["image"]].append(row)
    by_patient = defaultdict(list)
    for row in _read(corpus / "manifest.csv"):
        by_patient[row["patient_id"]].append(row)

    def score(images: list[dict[str, str]]) -> tuple[bool, bool, int]:
        sides = {r["laterality"] for r in images if findings[r["image"]]}
        return len(images) == 4, len(sides) == 2, sum(len(findings[r["image"]]) for r in images)

    images = max(by_patient.values(), key=score)
    images.sort(key=lambda r: HANGING.index(f"{r['laterality']}_{r['view']}"))
    return images, findings


def montage(corpus: Path, out: Path, width: int = 1200) -> Path:
    images, findings = _pick_case(corpus)
    tile_w = (width - GAP * (len(images) - 1)) // len(images)
    tiles = []
    for row in images:
        pixels = display(corpus / row["image"])
        scale = tile_w / pixels.shape[1]
        tile = Image.fromarray(pixels).convert("RGB")
        tile = tile.resize((tile_w, round(pixels.shape[0] * scale)), Image.Resampling.LANCZOS)
        draw = ImageDraw.Draw(tile)
        for f in findings[row["image"]]:
            if f["x1"]:
                box = [float(f[k]) * scale for k in ("x1", "y1", "x2", "y2")]
            else:
                cx, cy, r = (float(f[k]) * scale for k in ("cx", "cy", "r"))
                box = [cx - r, cy - r, cx + r, cy + r]
            colour = (255, 80, 80) if f["pathology"] == "malignant" else (90, 200, 255)
            (draw.rectangle if f["x1"] else draw.ellipse)(box, outline=colour, width=2)
        draw.text((8, 6), f"{row['laterality']} {row['view']}", fill=(255, 255, 255))
        tiles.append(tile)
    height = max(t.height for t in tiles)
    sheet = Image.new("RGB", (width, height + CAPTION), (40, 40, 40))
    for i, tile in enumerate(tiles):
        sheet.paste(tile, (i * (tile_w + GAP), 0))
    ImageDraw.Draw(sheet).text(
        (8, height + 5),
        f"Synthetic phantom ({images[0]['image'].split('/')[1]}), "
        "annotations outlined: red malignant, blue benign; box or circle as in annotations.csv",
        fill=(220, 220, 220),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out, optimize=True)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--corpus", type=Path, help="an existing phantom folder")
    parser.add_argument("--seed", type=int, default=18, help="18: both masses and a cluster")
    parser.add_argument("--width", type=int, default=1200)
    args = parser.parse_args(argv)
    if args.corpus:
        montage(args.corpus, args.out, args.width)
        return
    with tempfile.TemporaryDirectory() as tmp:
        drive(generate_corpus(Path(tmp), 12, args.seed))
        montage(Path(tmp), args.out, args.width)


if __name__ == "__main__":
    main()
