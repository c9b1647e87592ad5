"""Patch browser over 150,000 patches: time per frame while scrolling, filter and reset times,
and resident memory. Offscreen Qt; prints one JSON object.

    python benchmarks/bench_browser.py [--patches 150000] [--steps 300] [--keep DIR]

A frame = scroll by one step + a synchronous repaint of the viewport (what the user waits for).
Thumbnails not built within a paint's budget are built on the next event-loop turns; their
cost is reported separately ("settle"), also per frame.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np

from mammogan_core.workspace import Workspace


def keep_none_alive() -> bool:
    """PySide6 6.12.0 on CPython < 3.12 drops a reference to None on every call of a void C++
    method (setText, drawPixmap, ...): a few thousand paints abort the process with
    "none_dealloc". Python 3.12 made None immortal; here we give it a huge reference count so
    that the measurement can run. The app itself needs a real fix (see the report)."""
    if sys.version_info >= (3, 12):
        return False
    ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
    return True


def rss_mb() -> dict[str, float]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return fields


def fill(root: Path, n: int) -> None:
    """n distinct 128 x 128 patches (a noise texture shifted per patch) and their rows."""
    with Workspace.create(root) as ws:
        rng = np.random.default_rng(0)
        texture = rng.integers(0, 256, (256, 256), dtype=np.uint8)
        chunk = 5000
        for start in range(0, n, chunk):
            idx = np.arange(start, min(n, start + chunk))
            offs = idx % 128
            block = np.stack(
                [texture[o : o + 128, (o * 7) % 128 : (o * 7) % 128 + 128] for o in offs]
            )
            block = (block // 2 + (idx % 128)[:, None, None]).astype(np.uint8)
            ws.patch_store().write(start, block)
        labels = (
            "lesion",
            "normal",
            "normal",
            "normal",
            "normal",
            "normal",
            "normal",
            "normal",
            "normal",
            "synthetic",
        )
        with ws.transaction() as c:
            c.execute("INSERT INTO sources VALUES (1, '/data', 'generic', NULL, 'now')")
            c.executemany(
                "INSERT INTO patches(store_index, label, split, created_at) VALUES (?, ?, ?, 'now')",
                ((i, labels[i % 10], ("train", "val", "test")[i % 3]) for i in range(n)),
            )


def frames(app, grid, step: int, count: int) -> dict[str, float]:
    bar = grid.verticalScrollBar()
    paint, settle = [], []
    for _ in range(count):
        value = bar.value() + step
        if value > bar.maximum():
            value = 0
        t0 = time.perf_counter()
        bar.setValue(value)
        grid.viewport().repaint()
        t1 = time.perf_counter()
        app.processEvents()  # deferred thumbnails are built and repainted here
        t2 = time.perf_counter()
        paint.append((t1 - t0) * 1000)
        settle.append((t2 - t1) * 1000)
    q = statistics.quantiles(paint, n=20)
    return {
        "step_px": step,
        "frames": count,
        "frame_ms_mean": round(statistics.fmean(paint), 2),
        "frame_ms_p95": round(q[-1], 2),
        "frame_ms_max": round(max(paint), 2),
        "settle_ms_mean": round(statistics.fmean(settle), 2),
        "settle_ms_p95": round(statistics.quantiles(settle, n=20)[-1], 2),
        "frame_plus_settle_ms_p95": round(
            statistics.quantiles([a + b for a, b in zip(paint, settle)], n=20)[-1], 2
        ),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patches", type=int, default=150_000)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--keep", help="reuse / keep the workspace in this folder")
    args = ap.parse_args()
    workaround = keep_none_alive()
    root = Path(args.keep or tempfile.mkdtemp(prefix="bench_browser_")) / "ws"
    t = time.perf_counter()
    if not (root / "workspace.json").exists():
        fill(root, args.patches)
    fill_s = time.perf_counter() - t

    from PySide6.QtWidgets import QApplication

    from app.browser import PatchBrowser

    app = QApplication.instance() or QApplication([])
    rss_before = rss_mb()
    ws = Workspace.open(root)
    browser = PatchBrowser()
    browser.resize(1200, 800)
    t = time.perf_counter()
    browser.set_workspace(ws)
    browser.show()
    app.processEvents()
    open_s = time.perf_counter() - t
    t = time.perf_counter()
    browser.label_box.setCurrentIndex(browser.label_box.findData("lesion"))
    filter_s = time.perf_counter() - t
    lesion_rows = browser.model.rowCount()
    browser.label_box.setCurrentIndex(0)
    app.processEvents()
    grid = browser.grid
    row_px = grid.visualRect(browser.model.index(0, 0)).height()
    page_px = grid.viewport().height()
    half = args.steps // 2
    result = {
        "patches": browser.model.rowCount(),
        "none_refcount_workaround": workaround,
        "lesion_filter_rows": lesion_rows,
        "viewport": [grid.viewport().width(), grid.viewport().height()],
        "thumbnail_px": browser.size_slider.value(),
        "fill_s": round(fill_s, 1),
        "open_s (query + model reset + first paint)": round(open_s, 3),
        "filter_s (label=lesion)": round(filter_s, 3),
        "scroll_one_row": frames(app, grid, row_px, half),
        "scroll_one_page": frames(app, grid, page_px, args.steps - half),
        "cache_entries": len(browser.cache),
        "cache_capacity": browser.cache.capacity,
        "rss_mb_before": rss_before,
        "rss_mb_after": rss_mb(),
    }
    print(json.dumps(result, indent=1))
    browser.close()
    ws.close()


if __name__ == "__main__":
    main()
