"""What marking synthetic images and writing the dataset cards cost an export on this machine:
the PNG and TIFF encoding of a 128 x 128 patch with and without its synthetic mark, and
croissant.json + README.md for an NPZ export of N images (the cards hash the array file).

    python benchmarks/bench_export_marks.py [--images 20000] [--repeat 2000]

No workspace is needed: the patches are random and the plan is built in memory. Prints one JSON
object (times in microseconds per image, and seconds for the cards).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from mammogan_core.export.croissant import croissant
from mammogan_core.export.datasheet import datasheet
from mammogan_core.export.manifest import EXPORT_JSON, MANIFEST, manifest_text
from mammogan_core.export.options import ExportSettings
from mammogan_core.export.plan import ExportPlan, Item, SyntheticSource
from mammogan_core.export.writers import png_bytes, tiff_bytes

SOURCE = SyntheticSource(
    Path("best.pt"), "train-bench", "runs/train-bench/best.pt", "0" * 64, "", ""
)


def per_image_us(encode, pixels: np.ndarray, mark) -> float:
    t0 = time.perf_counter()
    for px in pixels:
        encode(px, mark)
    return (time.perf_counter() - t0) / len(pixels) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=20000, help="images of the NPZ export")
    parser.add_argument("--repeat", type=int, default=2000, help="patches encoded per timing")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (args.repeat, 128, 128), dtype=np.uint8)
    out: dict[str, float | int] = {"images": args.images, "repeat": args.repeat}
    for name, encode in (("png", png_bytes), ("tiff", tiff_bytes)):
        out[f"{name}_plain_us"] = round(per_image_us(encode, pixels, None), 1)
        out[f"{name}_marked_us"] = round(per_image_us(encode, pixels, SOURCE), 1)

    half = args.images // 2
    items = tuple(Item("real", "train", "lesion", "mass", "k", i) for i in range(half)) + tuple(
        Item("synthetic", "train", "lesion", latent_index=i) for i in range(args.images - half)
    )
    plan = ExportPlan(ExportSettings(out="x", format="npz"), items, SOURCE, ())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "dataset.npz").write_bytes(rng.bytes(args.images * 128 * 128))
        (folder / MANIFEST).write_text(manifest_text(plan, lambda it, i: ("dataset.npz", str(i))))
        (folder / EXPORT_JSON).write_text("{}\n")
        t0 = time.perf_counter()
        croissant(plan, folder, ["dataset.npz"], {"patches": "2026-01-01", "run": ""})
        datasheet(plan, {"patches": "2026-01-01", "run": ""})
        out["cards_s"] = round(time.perf_counter() - t0, 3)
        out["npz_mb"] = round(args.images * 128 * 128 / 1e6, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
