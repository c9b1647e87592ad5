"""Time the demo corpus: 40 full-size (2294 x 1914) phantom mammograms, written as DICOM.

    python benchmarks/bench_phantom.py [--n 40] [--seed 2020]

Prints one JSON object: images, seconds (wall), seconds_per_image, cpu_seconds (this process
only, so comparable on a busy machine) and the time to render one image.
Target (PERFORMANCE.md / foundation issue): under 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from mammogan_core.phantom import generate_corpus
from mammogan_core.phantom.plan import plan_corpus
from mammogan_core.phantom.render import render
from mammogan_core.runner import drive


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started, cpu = time.perf_counter(), time.process_time()
        summary = drive(generate_corpus(Path(tmp), args.n, args.seed))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        size_mb = sum(p.stat().st_size for p in Path(tmp).rglob("*.dcm")) / 1e6
    plan = plan_corpus(args.seed, 1, 2294, 1914)[0]
    t0 = time.perf_counter()
    render(plan)
    print(
        json.dumps(
            {
                "images": summary["images"],
                "findings": summary["findings"],
                "seconds": round(seconds, 2),
                "seconds_per_image": round(seconds / args.n, 3),
                "cpu_seconds": round(cpu, 2),  # this process alone: unaffected by other load
                "render_one_s": round(time.perf_counter() - t0, 3),
                "written_mb": round(size_mb, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
