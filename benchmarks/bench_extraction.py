"""Extraction speed against the raw decode of the same images, measured in one run.

Builds realistic-size synthetic mammograms (default 12 uncompressed DICOMs, 3328 x 4084, 14 bits,
with lesions) in a temp workspace, catalogues each file `--copies` times (more images for the
end-to-end runs without writing more files), then measures:
- per_image_decode_s: median raw decode (`decode_pixels`: pydicom's default `pixel_array`, a
  writeable copy with the unused high bits cleared) of one image;
- per_image_read_image_s: our own read (uncompressed data: a view on the file's bytes, same
  values), and per_image_processing_s: mask + patches + clean-up on top of it;
- per_image_extract_s: median wall time of the whole per-image work (read + mask + patches +
  clean-up) as a worker runs it; ratio = extract / decode (target <= 1.3);
- end-to-end seconds per image with 1 and 2 worker processes (spawn start-up included), the
  speedup of 2 workers, and the peak RSS of this process and of the workers.
Run by hand: `python benchmarks/bench_extraction.py [--images 12 --copies 4]`; prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pydicom.uid import ExplicitVRLittleEndian, JPEG2000Lossless

from mammogan_core.control import Control
from mammogan_core.events import Progress
from mammogan_core.extraction import ExtractParams, extract_patches
from mammogan_core.extraction.catalogue_io import pending_tasks
from mammogan_core.extraction.pool import keep_freed_memory
from mammogan_core.extraction.worker import process_image
from mammogan_core.io import decode_pixels
from mammogan_core.runner import drive
from mammogan_core.testing.catalogue import build_catalogue
from mammogan_core.workspace import Workspace


def _copy_images(ws: Workspace, copies: int) -> None:
    """Catalogue every image (and its findings) `copies` times in all."""
    with ws.transaction() as conn:
        originals = conn.execute("SELECT * FROM images ORDER BY id").fetchall()
        for c in range(1, copies):
            for img in originals:
                new_id = conn.execute(
                    "INSERT INTO images(source_id, image_key, path, patient_key, rows, cols, "
                    "spacing_mm, bits_stored, photometric) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        img["source_id"],
                        f"{img['image_key']}-{c}",
                        img["path"],
                        f"{img['patient_key']}-{c}",
                        img["rows"],
                        img["cols"],
                        img["spacing_mm"],
                        img["bits_stored"],
                        img["photometric"],
                    ),
                ).lastrowid
                conn.execute(
                    "INSERT INTO findings(image_id, finding_type, label_raw, pathology, "
                    "geometry_kind, geometry, x0, y0, x1, y1, source_row) "
                    "SELECT ?, finding_type, label_raw, pathology, geometry_kind, geometry, "
                    "x0, y0, x1, y1, source_row || ? FROM findings WHERE image_id = ?",
                    (new_id, f"-{c}", img["id"]),
                )


def _end_to_end(ws: Workspace, params: ExtractParams, workers: int) -> dict[str, float]:
    """Total seconds per image, and the steady rate (first to last image done: without the
    worker start-up, which is a fixed cost of about a second per run)."""
    stamps: list[float] = []
    start = time.perf_counter()
    summary = drive(
        extract_patches(ws, params, Control(), workers=workers, redo=True),
        lambda ev: stamps.append(time.perf_counter()) if isinstance(ev, Progress) else None,
    )
    n = summary["images_done"]
    return {
        "images": n,
        "total_s_per_image": (time.perf_counter() - start) / n,
        "steady_s_per_image": (stamps[-1] - stamps[0]) / (len(stamps) - 1),
    }


def measure(ws_dir: Path, params: ExtractParams, copies: int) -> dict[str, object]:
    """Runs in a fresh process, so its peak RSS is extraction's, not the image builder's.
    The in-process timings run with the workers' malloc setting, for decode and extract alike."""
    keep_freed_memory()
    ws = Workspace.open(ws_dir)
    tasks, _ = pending_tasks(ws, params, None)
    for task in tasks:  # warm the page cache: both measurements read from memory
        Path(task.path).read_bytes()
    # Interleaved, image by image: a busy machine slows both measurements alike.
    decode_times, results = [], []
    for task in tasks * 3:
        start = time.perf_counter()
        decode_pixels(task.path)
        decode_times.append(time.perf_counter() - start)
        results.append(process_image(task))
    assert not any(r.error for r in results), [r.error for r in results if r.error]
    decode_s = statistics.median(decode_times)
    extract_s = statistics.median(r.seconds for r in results)
    _copy_images(ws, copies)
    one = _end_to_end(ws, params, 1)
    two = _end_to_end(ws, params, 2)
    counts = ws.counts()
    ws.close()
    return {
        "per_image_decode_s": round(decode_s, 4),
        "per_image_read_image_s": round(statistics.median(r.read_seconds for r in results), 4),
        "per_image_extract_s": round(extract_s, 4),
        "per_image_processing_s": round(
            statistics.median(r.seconds - r.read_seconds for r in results), 4
        ),
        "ratio": round(extract_s / decode_s, 3),
        "ratio_median_per_image": round(
            statistics.median(r.seconds / d for r, d in zip(results, decode_times)), 3
        ),
        "end_to_end_images": one["images"],
        "end_to_end_1_worker_s_per_image": round(one["total_s_per_image"], 4),
        "end_to_end_2_workers_s_per_image": round(two["total_s_per_image"], 4),
        "steady_1_worker_s_per_image": round(one["steady_s_per_image"], 4),
        "steady_2_workers_s_per_image": round(two["steady_s_per_image"], 4),
        "speedup_2_workers": round(one["steady_s_per_image"] / two["steady_s_per_image"], 3),
        "speedup_2_workers_total": round(one["total_s_per_image"] / two["total_s_per_image"], 3),
        "patches": {"lesion": counts["lesion_patches"], "normal": counts["normal_patches"]},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_worker_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=12)
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--rows", type=int, default=4084)
    parser.add_argument("--cols", type=int, default=3328)
    parser.add_argument("--bits", type=int, default=14)
    parser.add_argument("--normalise", default="minmax")
    parser.add_argument("--jpeg2000", action="store_true", help="JPEG 2000 lossless files")
    parser.add_argument("--measure", metavar="WS", help=argparse.SUPPRESS)  # the inner process
    args = parser.parse_args()
    params = ExtractParams(normalise=args.normalise)
    if args.measure:
        print(json.dumps(measure(Path(args.measure), params, args.copies)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.create(Path(tmp) / "ws")
        start = time.perf_counter()
        build_catalogue(
            ws,
            Path(tmp) / "data",
            args.images,
            (args.rows, args.cols),
            lesions_per_image=(2, 1, 3),
            bits=args.bits,
            transfer_syntax=JPEG2000Lossless if args.jpeg2000 else ExplicitVRLittleEndian,
        )
        build_s = time.perf_counter() - start
        ws.close()
        inner = subprocess.run(
            [
                sys.executable,
                __file__,
                "--measure",
                str(Path(tmp) / "ws"),
                "--copies",
                str(args.copies),
                "--normalise",
                args.normalise,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    print(
        json.dumps(
            {
                "machine": platform.processor() or platform.machine(),
                "cpus": os.cpu_count(),
                "shape": [args.rows, args.cols],
                "bits_stored": args.bits,
                "transfer_syntax": "JPEG 2000 lossless"
                if args.jpeg2000
                else "explicit VR little endian",
                "normalise": args.normalise,
                "images": args.images,
                "build_s": round(build_s, 2),
                **json.loads(inner.stdout.strip().splitlines()[-1]),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
