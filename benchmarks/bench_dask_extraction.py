"""The cost of the Dask engine: extraction through a local Dask cluster against the local
process pool, the same images, the same number of worker processes, on this machine.

Builds synthetic DICOM mammograms (default 6 files of 4084 x 3328, 14 bits, with lesions),
catalogues each `--copies` times, then extracts them all (redo) with each executor in turn,
`--rounds` times, interleaved (a busy machine slows both alike), and reports per executor:
- images_per_s: images over the whole run, start-up of the workers (or the cluster) included;
- steady_images_per_s: from the first image done to the last, without the start-up;
- startup_s: from the start of the run to the first image done;
the medians over the rounds, and dask_over_local: the ratio of the steady rates.
Run by hand: `python benchmarks/bench_dask_extraction.py [--images 6 --copies 4 --workers 2]`;
needs the cluster extra (pip install "mammogan[cluster]"); prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from bench_extraction import _copy_images  # the same catalogue copies as bench_extraction

from mammogan_core.control import Control
from mammogan_core.events import Progress
from mammogan_core.extraction import ExtractParams, extract_patches
from mammogan_core.runner import drive
from mammogan_core.testing.catalogue import build_catalogue
from mammogan_core.workspace import Workspace

EXECUTORS = ("local", "dask")


def run_once(ws: Workspace, executor: str, workers: int) -> dict[str, float]:
    stamps: list[float] = []
    start = time.perf_counter()
    summary = drive(
        extract_patches(
            ws, ExtractParams(), Control(), workers=workers, redo=True, executor=executor
        ),
        lambda ev: stamps.append(time.perf_counter()) if isinstance(ev, Progress) else None,
    )
    total = time.perf_counter() - start
    n = summary["images_done"]
    assert n == len(stamps) and not summary["errors"], summary["errors"]
    return {
        "images": n,
        "images_per_s": n / total,
        "steady_images_per_s": (n - 1) / (stamps[-1] - stamps[0]),
        "startup_s": stamps[0] - start,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=6)
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--rows", type=int, default=4084)
    parser.add_argument("--cols", type=int, default=3328)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {e: [] for e in EXECUTORS}
    with tempfile.TemporaryDirectory() as tmp, Workspace.create(Path(tmp) / "ws") as ws:
        build_catalogue(
            ws, Path(tmp) / "data", args.images, (args.rows, args.cols), (2, 1, 3), bits=14
        )
        _copy_images(ws, args.copies)
        for _ in range(args.rounds):
            for executor in EXECUTORS:
                runs[executor].append(run_once(ws, executor, args.workers))
    result = {
        e: {
            k: round(statistics.median(r[k] for r in rs), 3)
            for k in ("images_per_s", "steady_images_per_s", "startup_s")
        }
        for e, rs in runs.items()
    }
    print(
        json.dumps(
            {
                "machine": platform.processor() or platform.machine(),
                "cpus": os.cpu_count(),
                "load_average_1min": round(os.getloadavg()[0], 2),
                "shape": [args.rows, args.cols],
                "images": runs["local"][0]["images"],
                "workers": args.workers,
                "rounds": args.rounds,
                **result,
                "dask_over_local": round(
                    result["dask"]["steady_images_per_s"] / result["local"]["steady_images_per_s"],
                    3,
                ),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
