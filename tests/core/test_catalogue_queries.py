"""Catalogue queries behind the viewer and the patch browser, on a real SQLite catalogue."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mammogan_core import catalogue_queries as cq


@pytest.fixture
def filled(workspace):
    """Two sources, three images (one without findings), findings of three geometry kinds and
    lesion / normal / synthetic patches."""
    ws = workspace
    with ws.transaction() as c:
        c.execute("INSERT INTO sources VALUES (1, '/data/mias', 'mias', NULL, 'now')")
        c.execute("INSERT INTO sources VALUES (2, '/data/other/', 'generic', 'a.csv', 'now')")
        for iid, src, lat, view in [(1, 1, "L", "CC"), (2, 1, "R", "MLO"), (3, 2, "L", "MLO")]:
            c.execute(
                "INSERT INTO images(id, source_id, image_key, path, laterality, view, rows, cols)"
                " VALUES (?, ?, ?, ?, ?, ?, 400, 300)",
                (iid, src, f"img{iid}", f"data/img{iid}.dcm", lat, view),
            )
        findings = [
            (1, 1, "mass", "box", {"x0": 10, "y0": 20, "x1": 50, "y1": 60}, (10, 20, 50, 60)),
            (2, 1, "calcification", "circle", {"cx": 100, "cy": 100, "r": 10}, (90, 90, 110, 110)),
            (3, 3, "mass", "polygon", {"points": [[0, 0], [10, 0], [5, 8]]}, (0, 0, 10, 8)),
            (4, 3, "other", "mask", {"path": "m.png"}, (5, 5, 25, 30)),
        ]
        for fid, iid, ftype, kind, geom, box in findings:
            c.execute(
                "INSERT INTO findings(id, image_id, finding_type, pathology, geometry_kind,"
                " geometry, x0, y0, x1, y1, source_row) VALUES (?, ?, ?, 'benign', ?, ?, ?, ?, ?, ?, ?)",
                (fid, iid, ftype, kind, json.dumps(geom), *box, f"row{fid}"),
            )
    rows = [
        {
            "label": "lesion",
            "image_id": 1,
            "finding_id": 1,
            "lesion_type": "mass",
            "split": "train",
            "x0": 0,
            "y0": 0,
            "x1": 128,
            "y1": 128,
            "params": {"size": 128},
        },
        {
            "label": "lesion",
            "image_id": 3,
            "finding_id": 3,
            "lesion_type": "mass",
            "split": "test",
            "x0": 0,
            "y0": 0,
            "x1": 128,
            "y1": 128,
        },
        {
            "label": "normal",
            "image_id": 1,
            "split": "train",
            "x0": 128,
            "y0": 0,
            "x1": 256,
            "y1": 128,
        },
        {"label": "normal", "image_id": 2, "split": "val", "x0": 0, "y0": 0, "x1": 128, "y1": 128},
        {"label": "synthetic"},
    ]
    pixels = np.arange(len(rows), dtype=np.uint8)[:, None, None] * np.ones((1, 128, 128), np.uint8)
    ws.add_patches(pixels, rows)
    return ws


def test_list_images_filters(filled):
    assert [r["id"] for r in cq.list_images(filled)] == [1, 2, 3]
    assert [r["id"] for r in cq.list_images(filled, laterality="L")] == [1, 3]
    assert [r["id"] for r in cq.list_images(filled, view="MLO", laterality="L")] == [3]
    assert [r["id"] for r in cq.list_images(filled, has_findings=True)] == [1, 3]
    assert [r["id"] for r in cq.list_images(filled, has_findings=False)] == [2]
    assert cq.list_images(filled)[0]["n_findings"] == 2
    assert cq.image_choices(filled) == {"laterality": ["L", "R"], "view": ["CC", "MLO"]}


def test_image_record_resolves_the_path(filled):
    rec = cq.image_record(filled, 2)
    assert rec["full_path"] == str(filled.root / "data" / "img2.dcm")
    assert cq.image_record(filled, 99) is None


def test_overlays_keep_circles_and_polygons_and_box_the_rest(filled):
    ov = cq.image_overlays(filled, 1)
    kinds = [f["outline"]["kind"] for f in ov["findings"]]
    assert kinds == ["box", "circle"]
    assert ov["findings"][1]["outline"]["r"] == 10.0
    assert [p["label"] for p in ov["patches"]] == ["lesion", "normal"]
    ov3 = cq.image_overlays(filled, 3)
    assert ov3["findings"][0]["outline"]["points"][2] == (5.0, 8.0)
    assert ov3["findings"][1]["outline"] == {
        "kind": "box",
        "x0": 5.0,
        "y0": 5.0,
        "x1": 25.0,
        "y1": 30.0,
    }


def test_patch_index_filters_and_maps_store_rows(filled):
    all_ = cq.patch_index(filled)
    assert all_.shape == (5, 2) and all_.dtype == np.int64
    # the store row of each id holds the pixels written for it
    assert np.array_equal(filled.patch_store().read(all_[:, 1])[:, 0, 0], np.arange(5))
    assert len(cq.patch_index(filled, label="lesion")) == 2
    assert len(cq.patch_index(filled, label="normal", split="train")) == 1
    assert len(cq.patch_index(filled, source=2)) == 1
    assert len(cq.patch_index(filled, lesion_type="mass", split="test")) == 1
    assert cq.patch_index(filled, label="nothing").shape == (0, 2)


def test_patch_choices_and_record(filled):
    ch = cq.patch_choices(filled)
    assert ch["split"] == ["test", "train", "val"]
    assert ch["lesion_type"] == ["mass"]
    assert ch["source"] == [(1, "mias: mias"), (2, "generic: other")]
    first = int(cq.patch_index(filled)[0, 0])
    with filled.transaction() as c:
        c.execute("UPDATE findings SET label_raw = 'CIRC' WHERE id = 1")
    rec = cq.patch_record(filled, first)
    assert rec["image_key"] == "img1" and rec["params"] == {"size": 128}
    assert (rec["lesion_type"], rec["label_raw"]) == ("mass", "CIRC")
    assert cq.patch_record(filled, 10_000) is None


def test_dataset_overview_and_stored_import_issues(tmp_path):
    from mammogan_core.workspace import Workspace

    ws = Workspace.create(tmp_path / "overview")
    with ws.transaction() as conn:
        conn.execute(
            "INSERT INTO sources(id, root, format, imported_at) VALUES (1, '/d', 'generic', 'now')"
        )
        conn.execute(
            "INSERT INTO images(id, source_id, image_key, path) VALUES (1, 1, 'a', '/d/a.dcm')"
        )
        for i, kind in enumerate(("mass", "mass", "calcification")):
            conn.execute(
                "INSERT INTO findings(image_id, finding_type, geometry_kind, geometry, source_row)"
                " VALUES (1, ?, 'box', '{}', ?)",
                (kind, f"labels.csv:{i}"),
            )
        conn.execute(
            "INSERT INTO import_issues(source_id, kind, path, row, reason)"
            " VALUES (1, 'skipped', NULL, 'labels.csv:9', 'no coordinates')"
        )
    px = np.zeros((3, 128, 128), np.uint8)
    ws.add_patches(
        px,
        [
            {"label": "lesion", "split": "train"},
            {"label": "normal", "split": "train"},
            {"label": "normal", "split": "test"},
        ],
    )
    overview = cq.dataset_overview(ws)
    assert overview["findings_by_type"] == {"mass": 2, "calcification": 1}
    assert overview["patches_by_split"] == {
        "lesion": {"train": 1},
        "normal": {"train": 1, "test": 1},
    }
    assert cq.import_issues(ws) == [
        {"kind": "skipped", "what": "labels.csv:9", "reason": "no coordinates"}
    ]
    ws.close()
