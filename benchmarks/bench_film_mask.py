"""Normal patches on film scans: how many fall outside the breast, with the old and the new mask.

Writes a film-like phantom set (`mammogan phantom --film`: 8-bit 1024 x 1024 PGMs at 0.2 mm with a
noisy background, a dark halo beside the skin line, full-height scanner lines and a chest-wall
strip, a saturated white film edge, a film label close to the skin line and a scanner edge strip,
and a mini-MIAS Info.txt), imports it with `--format mias`, extracts it three times in one
workspace (in this process):
- before_threshold_0: `--mask threshold --mask-threshold 0`, the old `image > 0` rule;
- mask_only: `--mask auto --normal-max-background 1`, the automatic mask without the net;
- after: the defaults (the automatic mask and the background-share net);
and measures, against each phantom's ground-truth breast mask and label box:
- outside_25pct_share: the share of normal patches with more than 25% of their pixels outside the
  breast (halo, background, strips, edge, label; target at most 1%), and outside_any_share (more
  than 2%); with_letters: normal patches that overlap the label's letters (target 0), and
  touching_label: those that overlap its paper at all;
- mask_s_per_image vs decode_s_per_image: the automatic mask's median time against the median
  decode of the same PGMs (an 8-bit PGM decodes in about a millisecond), and against the whole
  extraction per image, extract_s_per_image (the mask must stay a small fraction of it).
Run by hand: `python benchmarks/bench_film_mask.py [--n 20 --seed 0]`; prints JSON.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from mammogan_core.control import Control
from mammogan_core.extraction import ExtractParams, extract_patches
from mammogan_core.importing import import_dataset
from mammogan_core.io import read_image
from mammogan_core.phantom import generate_film_corpus
from mammogan_core.phantom.film import PAD, Film, plan_film, render_film
from mammogan_core.preprocess.breast_mask import breast_mask
from mammogan_core.runner import drive
from mammogan_core.workspace import Workspace


def normal_boxes(ws: Workspace) -> list[tuple[str, int, int, int, int]]:
    rows = ws.query(
        "SELECT i.path, p.x0, p.y0, p.x1, p.y1 FROM patches p JOIN images i ON i.id = p.image_id"
        " WHERE p.label = 'normal'"
    )
    return [(Path(path).stem, x0, y0, x1, y1) for path, x0, y0, x1, y1 in rows]


def on_label(box: tuple[str, int, int, int, int], films: dict[str, Film], inset: int = 0) -> bool:
    """The window overlaps the label (inset by PAD: its letters, not the paper around them)."""
    ref, x0, y0, x1, y1 = box
    label = films[ref].label
    if label is None:
        return False
    lx0, ly0, lx1, ly1 = label[0] + inset, label[1] + inset, label[2] - inset, label[3] - inset
    return x0 < lx1 and x1 > lx0 and y0 < ly1 and y1 > ly0


def summary(ws: Workspace, films: dict[str, Film]) -> dict[str, float | int]:
    boxes = normal_boxes(ws)
    f = np.array([1 - films[r].breast[y0:y1, x0:x1].mean() for r, x0, y0, x1, y1 in boxes])
    return {
        "normal_patches": len(f),
        "with_letters": sum(on_label(b, films, PAD) for b in boxes),
        "touching_label": sum(on_label(b, films) for b in boxes),
        "outside_25pct_share": round(float((f > 0.25).mean()), 4) if len(f) else 0.0,
        "outside_any_share": round(float((f > 0.02).mean()), 4) if len(f) else 0.0,
        "max_outside_fraction": round(float(f.max()), 4) if len(f) else 0.0,
    }


def timings(paths: list[Path]) -> dict[str, float]:
    decode, mask = [], []
    for path in paths:
        t0 = time.perf_counter()
        pixels = read_image(path).pixels
        t1 = time.perf_counter()
        breast_mask(pixels)
        t2 = time.perf_counter()
        decode.append(t1 - t0)
        mask.append(t2 - t1)
    d, m = statistics.median(decode), statistics.median(mask)
    return {
        "decode_s_per_image": round(d, 5),
        "mask_s_per_image": round(m, 5),
        "mask_over_decode": round(m / d, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    films = {
        plan.ref: render_film(plan) for plan in (plan_film(args.seed, i) for i in range(args.n))
    }
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "film"
        drive(generate_film_corpus(data, args.n, args.seed))
        ws = Workspace.create(Path(tmp) / "ws")
        drive(import_dataset(ws, data, "mias", None, Control()))
        results, extract_s = {}, 0.0
        for name, params in (
            ("before_threshold_0", ExtractParams(mask="threshold", mask_threshold=0.0)),
            ("mask_only", ExtractParams(mask="auto", normal_max_background=1.0)),
            ("after", ExtractParams()),
        ):
            started = time.perf_counter()
            drive(extract_patches(ws, params, Control(), workers=0, redo=True))
            extract_s = (time.perf_counter() - started) / args.n
            results[name] = summary(ws, films)
        ws.close()
        speed = timings(sorted(data.glob("*.pgm")))
    print(
        json.dumps(
            {
                "machine": platform.processor() or platform.machine(),
                "images": args.n,
                "seed": args.seed,
                "shape": [1024, 1024],
                **results,
                **speed,
                "extract_s_per_image": round(extract_s, 4),
                "mask_share_of_extract": round(speed["mask_s_per_image"] / extract_s, 3),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
