"""`generate_film_corpus`: N film-like phantoms as 8-bit PGMs with a mini-MIAS `Info.txt`.

Output folder layout, as the mini-MIAS download (`mammogan import DIR --format mias`):
    Info.txt      `REFNUM BG CLASS SEVERITY X Y RADIUS`, origin at the bottom-left; NORM lines
                  for images without findings
    mdbNNN.pgm    1024 x 1024, 8-bit, 0.2 mm pixels
Every image is a pure function of (seed, index, size); a rerun rewrites them (a few per second).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..atomic import atomic_open, atomic_write_text
from ..control import Control, Stopped
from ..events import Event, Finished, Log, Progress
from .corpus import check_request
from .film import FILM_SIZE, FILM_SPACING_MM, FilmPlan, plan_film, render_film

# mini-MIAS classes of the phantom's lesion shapes
MIAS_CLASS = {
    "round": "CIRC",
    "oval": "CIRC",
    "irregular": "MISC",
    "spiculated": "SPIC",
    "cluster": "CALC",
}


def generate_film_corpus(
    out_dir: Path,
    n: int,
    seed: int,
    control: Control | None = None,
    rows: int = FILM_SIZE,
    cols: int = FILM_SIZE,
) -> Iterator[Event]:
    """Write `n` film phantoms into `out_dir`; yields Progress per image, then Finished."""
    out_dir = Path(out_dir)
    check_request(out_dir, n, rows, cols)
    started = time.perf_counter()
    plans = [plan_film(seed, i, rows, cols) for i in range(n)]
    done = 0
    try:
        for plan in plans:
            if control is not None:
                control.check()
            write_pgm(out_dir / f"{plan.ref}.pgm", render_film(plan).pixels)
            done += 1
            yield Progress(done, n, plan.ref, unit="images")
    except Stopped:
        yield Log(f"stopped after {done} of {n} images; run again to finish", "warning")
        yield Finished({"images": done, "out": str(out_dir), "stopped": True, "status": "stopped"})
        return
    info = out_dir / "Info.txt"
    atomic_write_text(info, info_txt(plans))
    yield Finished(
        {
            "images": n,
            "status": "finished",
            "out": str(out_dir),
            "annotations": str(info),
            "findings": sum(len(p.image.findings) for p in plans),
            "patients": (n + 1) // 2,
            "rows": rows,
            "cols": cols,
            "spacing_mm": FILM_SPACING_MM,
            "seed": seed,
            "seconds": round(time.perf_counter() - started, 3),
        }
    )


def write_pgm(path: Path, pixels: np.ndarray) -> None:
    """Binary PGM (P5), atomically."""
    rows, cols = pixels.shape
    with atomic_open(path, "wb") as fh:
        fh.write(b"P5\n%d %d\n255\n" % (cols, rows))
        fh.write(pixels.tobytes())


def info_txt(plans: list[FilmPlan]) -> str:
    """mini-MIAS Info.txt: X is the column, Y the row counted from the bottom edge."""
    lines = ["MammoGAN film phantom: synthetic, not patient data", ""]
    for plan in plans:
        image = plan.image
        tissue = (
            "F" if image.patient.density < 0.35 else "G" if image.patient.density < 0.55 else "D"
        )
        if not image.findings:
            lines.append(f"{plan.ref} {tissue} NORM")
        for placed in image.findings:
            lesion = placed.lesion
            x = plan.cols - 1 - placed.x if image.mirrored else placed.x
            severity = "M" if lesion.pathology == "malignant" else "B"
            lines.append(
                f"{plan.ref} {tissue} {MIAS_CLASS[lesion.shape]} {severity} "
                f"{x} {plan.rows - placed.y} {placed.r}"
            )
    return "\n".join(lines) + "\n"
