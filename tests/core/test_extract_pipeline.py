"""Extraction over a small catalogued workspace: counts, resume, shards, bad files, parameters.

Most runs use workers=0 (in this process); two use the spawn process pool."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mammogan_core.control import Control
from mammogan_core.errors import InputError
from mammogan_core.events import Finished, ItemError, Progress
from mammogan_core.extraction import ExtractParams, extract_patches
from mammogan_core.runner import drive
from mammogan_core.testing.catalogue import build_catalogue
from mammogan_core.workspace import Workspace

# 6 images of 600 x 500; lesions per image 1, 0, 2, 1, 0, 2 -> 6 lesions (mass / calcification)
N_IMAGES, N_LESIONS = 6, 6


@pytest.fixture
def ws(workspace, tmp_path: Path):  # type: ignore[no-untyped-def]
    build_catalogue(workspace, tmp_path / "data", N_IMAGES)
    return workspace


def run(ws, params: ExtractParams | None = None, stop_after: int | None = None, **kw):  # type: ignore[no-untyped-def]
    """Drive an extraction; return (summary, events). stop_after: request a stop after that many
    Progress events (a user pressing Stop, or a kill's worth of lost work)."""
    control, events = Control(), []

    def on_event(ev) -> None:  # type: ignore[no-untyped-def]
        events.append(ev)
        if stop_after is not None and sum(isinstance(e, Progress) for e in events) == stop_after:
            control.stop()

    summary = drive(extract_patches(ws, params or ExtractParams(), control, **kw), on_event)
    assert isinstance(events[-1], Finished)
    return summary, events


def patch_rows(ws):  # type: ignore[no-untyped-def]
    return ws.query("SELECT * FROM patches ORDER BY image_id, label, finding_id, x0, y0")


def test_extraction_counts_rows_and_pixels(ws) -> None:  # type: ignore[no-untyped-def]
    summary, _ = run(ws, workers=0)
    assert set(summary) >= {
        "lesion_patches",
        "normal_patches",
        "images_done",
        "images_skipped",
        "errors",
        "seconds",
        "workers",
        "shard",
    }
    assert summary["lesion_patches"] == N_LESIONS
    assert summary["images_done"] == N_IMAGES and summary["images_skipped"] == 0
    assert summary["errors"] == [] and summary["workers"] == 0 and summary["shard"] is None
    assert 3 * N_IMAGES <= summary["normal_patches"] <= 10 * N_IMAGES
    rows = patch_rows(ws)
    assert len(rows) == summary["lesion_patches"] + summary["normal_patches"]
    findings = {r["id"]: r for r in ws.query("SELECT * FROM findings")}
    splits = {r["id"]: r["split"] for r in ws.query("SELECT id, split FROM images")}
    for r in rows:
        assert r["split"] == splits[r["image_id"]] in ("train", "val", "test")
        assert json.loads(r["params"]) == ExtractParams().to_dict()
        if r["label"] == "lesion":
            f = findings[r["finding_id"]]
            assert r["lesion_type"] == f["finding_type"] and f["image_id"] == r["image_id"]
            # the square window is centred on the finding box
            assert abs((r["x0"] + r["x1"]) / 2 - (f["x0"] + f["x1"]) / 2) <= 1
            assert r["x1"] - r["x0"] == r["y1"] - r["y0"]
        else:
            assert (r["x1"] - r["x0"], r["y1"] - r["y0"]) == (128, 128) and r["finding_id"] is None
    pixels = ws.patch_pixels([r["id"] for r in rows])
    assert pixels.shape == (len(rows), 128, 128) and all(len(np.unique(p)) >= 30 for p in pixels)
    assert ws.query("SELECT COUNT(*) FROM images WHERE extracted_at IS NULL")[0][0] == 0


def test_stop_then_rerun_resumes_without_duplicates(ws) -> None:  # type: ignore[no-untyped-def]
    summary, _ = run(ws, workers=0, stop_after=2)
    assert summary["stopped"] and summary["images_done"] == 2
    summary, _ = run(ws, workers=0)
    assert summary["images_done"] == N_IMAGES - 2 and summary["lesion_patches"] == N_LESIONS
    lesion_findings = [
        r[0] for r in ws.query("SELECT finding_id FROM patches WHERE label='lesion'")
    ]
    assert len(lesion_findings) == len(set(lesion_findings)) == N_LESIONS
    boxes = [tuple(r)[1:] for r in ws.query("SELECT image_id, x0, y0, x1, y1 FROM patches")]
    assert len(boxes) == len(set(boxes))
    assert len({r[0] for r in ws.query("SELECT store_index FROM patches")}) == len(boxes)
    summary, _ = run(ws, workers=0)
    assert summary["images_done"] == 0  # nothing left


def test_process_pool_stop_finishes_in_flight_images(ws) -> None:  # type: ignore[no-untyped-def]
    summary, _ = run(ws, workers=2, stop_after=1)
    assert summary["stopped"] and 1 <= summary["images_done"] < N_IMAGES
    summary, _ = run(ws, workers=0)  # the rest, in this process
    assert summary["images_skipped"] == 0 and summary["lesion_patches"] == N_LESIONS
    assert ws.query("SELECT COUNT(*) FROM images WHERE extracted_at IS NULL")[0][0] == 0


def test_recycled_process_pool_gives_the_in_process_results(
    ws, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import mammogan_core.extraction.pool as pool

    monkeypatch.setattr(pool, "RECYCLE_EVERY", 4)  # 6 images: two pools
    made, real_pool = [], pool.TaskRunner._pool
    monkeypatch.setattr(pool.TaskRunner, "_pool", lambda self: made.append(1) or real_pool(self))
    summary, _ = run(ws, workers=1)
    assert summary["images_done"] == N_IMAGES and summary["workers"] == 1 and len(made) == 2
    query = "SELECT image_id, COALESCE(finding_id, 0), label, x0, y0, x1, y1 FROM patches"
    got = sorted(tuple(r) for r in ws.query(query))
    other = Workspace.create(tmp_path / "ws2")
    try:
        build_catalogue(other, tmp_path / "data2", N_IMAGES)
        run(other, workers=0)
        want = sorted(tuple(r) for r in other.query(query))
    finally:
        other.close()
    assert got == want


def test_shards_together_cover_every_image(ws) -> None:  # type: ignore[no-untyped-def]
    a, _ = run(ws, workers=0, shard=(0, 2))
    assert a["shard"] == "0/2" and a["images_done"] == N_IMAGES // 2
    assert all(r[0] % 2 == 0 for r in ws.query("SELECT image_id FROM patches"))
    b, _ = run(ws, workers=0, shard=(1, 2))
    assert b["images_done"] == N_IMAGES - N_IMAGES // 2
    assert b["lesion_patches"] == N_LESIONS
    assert ws.query("SELECT COUNT(*) FROM images WHERE extracted_at IS NULL")[0][0] == 0


def test_broken_file_is_reported_and_the_rest_done(ws) -> None:  # type: ignore[no-untyped-def]
    bad = ws.resolve(ws.query("SELECT path FROM images WHERE id = 3")[0][0])
    bad.write_bytes(bad.read_bytes()[:2000])  # truncated in the pixel data
    summary, events = run(ws, workers=0)
    assert summary["images_done"] == N_IMAGES - 1 and summary["images_skipped"] == 1
    assert [e["path"] for e in summary["errors"]] == [str(bad)] and summary["errors"][0]["reason"]
    assert [e.path for e in events if isinstance(e, ItemError)] == [str(bad)]
    assert ws.query("SELECT extracted_at FROM images WHERE id = 3")[0][0] is None


def test_other_parameters_are_refused_unless_redo(ws) -> None:  # type: ignore[no-untyped-def]
    first, _ = run(ws, workers=0)
    with pytest.raises(InputError, match="normal_per_image: 10 -> 2"):
        run(ws, ExtractParams(normal_per_image=2), workers=0)
    summary, _ = run(ws, ExtractParams(normal_per_image=2), workers=0, redo=True)
    assert summary["images_done"] == N_IMAGES and summary["lesion_patches"] == N_LESIONS
    assert summary["normal_patches"] <= 2 * N_IMAGES < first["normal_patches"]


def test_type_filter_size_limit_and_uint16(ws) -> None:  # type: ignore[no-untyped-def]
    summary, _ = run(
        ws, ExtractParams(lesion_types=("mass",), uint16=True, normal_per_image=0), workers=0
    )
    types = {r[0] for r in ws.query("SELECT lesion_type FROM patches")}
    assert types == {"mass"} and summary["normal_patches"] == 0
    assert summary["not_cut"]["lesion_type"] == N_LESIONS - summary["lesion_patches"] > 0
    ids = [r[0] for r in ws.query("SELECT id FROM patches")]
    u8, u16 = ws.patch_pixels(ids), ws.patch_pixels(ids, "uint16")
    assert u16.dtype == np.uint16 and np.abs((u16 / 257.0) - u8).max() <= 1
    summary, _ = run(ws, ExtractParams(max_lesion_px=20, normal_per_image=0), workers=0, redo=True)
    assert summary["lesion_patches"] == 0 and summary["not_cut"]["lesion_too_large"] == N_LESIONS


def test_fixed_scale_windows(ws) -> None:  # type: ignore[no-untyped-def]
    run(ws, ExtractParams(scale="fixed", mm_per_px=0.2, normal_per_image=2), workers=0)
    sizes = {(r[0], r[1]) for r in ws.query("SELECT x1 - x0, y1 - y0 FROM patches")}
    assert sizes == {(256, 256)}  # 128 px x 0.2 mm at 0.1 mm spacing, lesions and normals


def test_bad_parameters_are_input_errors() -> None:
    with pytest.raises(InputError):
        ExtractParams(scale="fixed")
    with pytest.raises(InputError):
        ExtractParams(lesion_types=("tumour",))
    assert ExtractParams.from_dict(
        ExtractParams(lesion_types=("mass",)).to_dict()
    ) == ExtractParams(lesion_types=("mass",))


def test_crash_mid_run_loses_nothing_committed(ws, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import mammogan_core.extraction.pipeline as pipeline

    real_commit, calls = pipeline.commit, []

    def dying_commit(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # as abrupt as it gets inside Python
        real_commit(*args, **kwargs)

    monkeypatch.setattr(pipeline, "commit", dying_commit)
    with pytest.raises(KeyboardInterrupt):
        run(ws, workers=0)
    monkeypatch.setattr(pipeline, "commit", real_commit)
    assert ws.query("SELECT COUNT(*) FROM images WHERE extracted_at IS NOT NULL")[0][0] == 2
    summary, _ = run(ws, workers=0)
    assert summary["images_done"] == N_IMAGES - 2 and summary["lesion_patches"] == N_LESIONS
    stored = ws.query("SELECT COUNT(*), COUNT(DISTINCT store_index) FROM patches")[0]
    assert stored[0] == stored[1] == summary["lesion_patches"] + summary["normal_patches"]
