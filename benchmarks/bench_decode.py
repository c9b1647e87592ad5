"""Decode time of a full-field mammogram: header scan, raw decode, read_image, per codec.

Run by hand: `python benchmarks/bench_decode.py [--cols 3328 --rows 4084 --bits 14]`; prints JSON.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pydicom.uid import ExplicitVRLittleEndian, JPEG2000Lossless, RLELossless

from mammogan_core.io import (
    can_encode,
    decode_pixels,
    read_header,
    read_image,
    synthetic_breast,
    write_mammogram_dicom,
)


def _seconds(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cols", type=int, default=3328)
    parser.add_argument("--rows", type=int, default=4084)
    parser.add_argument("--bits", type=int, default=14)
    parser.add_argument("--repeat", type=int, default=1, help="runs per decode (median)")
    args = parser.parse_args()
    pixels = synthetic_breast(args.rows, args.cols, bits_stored=args.bits)
    results: dict[str, object] = {
        "shape": [args.rows, args.cols],
        "bits_stored": args.bits,
        "machine": platform.processor() or platform.machine(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for syntax in (ExplicitVRLittleEndian, RLELossless, JPEG2000Lossless):
            if not can_encode(syntax):
                continue
            path = Path(tmp) / f"{syntax.name}.dcm"
            start = time.perf_counter()
            write_mammogram_dicom(
                path, pixels, bits_stored=args.bits, transfer_syntax=syntax, window=(8192, 16384)
            )
            results[syntax.name] = {
                "file_mb": round(path.stat().st_size / 1e6, 2),
                "encode_s": round(time.perf_counter() - start, 3),
                "header_ms": round(1000 * _seconds(lambda p=path: read_header(p), 200), 3),
                "decode_pixels_s": round(_seconds(lambda p=path: decode_pixels(p), args.repeat), 4),
                "read_image_none_s": round(_seconds(lambda p=path: read_image(p), args.repeat), 4),
                "read_image_dicom_voi_s": round(
                    _seconds(lambda p=path: read_image(p, voi="dicom"), args.repeat), 4
                ),
            }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
