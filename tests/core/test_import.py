"""The import pipeline on real-shaped dataset trees: matching, checks, catalogue, idempotency."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mammogan_core.control import Control, Stopped
from mammogan_core.errors import InputError
from mammogan_core.events import Finished, ItemError, Progress
from mammogan_core.importing import HeaderFilter, import_dataset, pipeline
from mammogan_core.importing.detect import resolve
from mammogan_core.io import write_mammogram_dicom
from mammogan_core.io.dicom_write import synthetic_breast
from mammogan_core.testing import datasets as samples
from mammogan_core.workspace import Workspace

SUMMARY_KEYS = {
    "images",
    "findings",
    "findings_by_type",
    "skipped",
    "errors",
    "source_id",
    "format",
    "normal_excluded",
    "status",  # finished | stopped, as every command's --json says
}


def mias_row(start: str) -> str:
    """The source row of the sample Info.txt line that starts with `start`."""
    lines = samples.MIAS_INFO.splitlines()
    return f"Info.txt:{next(i for i, ln in enumerate(lines, 1) if ln.startswith(start))}"


def run_import(ws, source, fmt="auto", annotations=None, filters=None, control=None):
    events = list(import_dataset(ws, source, fmt, annotations, control or Control(), filters))
    assert isinstance(events[-1], Finished)
    return events[-1].as_dict(), events


def skipped(summary) -> dict[str, str]:
    return {s["row"]: s["reason"] for s in summary["skipped"]}


def boxes(ws, source_id) -> dict[str, tuple]:
    rows = ws.query(
        "SELECT f.source_row, f.x0, f.y0, f.x1, f.y1 FROM findings f JOIN images i ON i.id=f.image_id "
        "WHERE i.source_id=?",
        (source_id,),
    )
    return {r[0]: tuple(r[1:]) for r in rows}


# images, located findings by type, images that may give no normal patch (a finding of theirs
# without usable location: no coordinates, off the image, an empty or mismatched mask)
EXPECTED = {
    "mias": (9, {"calcification": 2, "mass": 3}, 3),
    "cbis": (2, {"calcification": 1, "mass": 2}, 1),
    "vindr": (6, {"asymmetry": 1, "mass": 2, "other": 1}, 1),
    "inbreast": (3, {"asymmetry": 1, "calcification": 2, "mass": 1}, 1),
    "optimam": (
        3,
        {"architectural_distortion": 1, "asymmetry": 1, "calcification": 1, "mass": 1},
        1,
    ),
    "generic": (4, {"architectural_distortion": 1, "calcification": 1, "mass": 2}, 2),
}
FORMAT_NAMES = {"cbis": "cbis-ddsm"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_format_imports_and_reimports_idempotently(
    workspace, tmp_path: Path, name: str
) -> None:
    root = getattr(samples, f"write_{name}")(tmp_path / name)
    summary, events = run_import(workspace, root)
    images, by_type, excluded = EXPECTED[name]
    assert set(summary) == SUMMARY_KEYS
    assert summary["format"] == FORMAT_NAMES.get(name, name)
    assert (summary["images"], summary["findings_by_type"]) == (images, by_type)
    assert summary["normal_excluded"] == excluded
    assert summary["findings"] == sum(by_type.values())
    assert summary["errors"] == []
    assert any(isinstance(e, Progress) and e.done == e.total > 0 for e in events)
    issues = workspace.query("SELECT COUNT(*) FROM import_issues")[0][0]
    assert issues == len(summary["skipped"]) > 0
    again, _ = run_import(workspace, root)
    assert again == summary
    assert workspace.counts()["images"] == images
    assert workspace.query("SELECT COUNT(*) FROM import_issues")[0][0] == issues
    assert workspace.query("SELECT COUNT(*) FROM sources")[0][0] == 1
    # every finding has its bounding box inside the image
    bad = workspace.query(
        "SELECT COUNT(*) FROM findings f JOIN images i ON i.id=f.image_id WHERE f.x0 IS NULL "
        "OR f.x0 < 0 OR f.y0 < 0 OR f.x1 > i.cols OR f.y1 > i.rows OR f.x1 <= f.x0 OR f.y1 <= f.y0"
    )
    assert bad[0][0] == 0


def test_mias_bottom_left_origin_uses_the_real_height(workspace, tmp_path: Path) -> None:
    summary, _ = run_import(workspace, samples.write_mias(tmp_path / "mias"))
    got = boxes(workspace, summary["source_id"])
    assert got[mias_row("mdb001 G")] == (
        90,
        256 - 100 - 30,
        150,
        256 - 100 + 30,
    )  # mdb001 120 100 30
    assert got[mias_row("mdb023")] == (0, 46, 210, 256)  # mdb023 overshoots the corner: clipped
    assert "outside the 256x256 image" in skipped(summary)[mias_row("mdb024")]  # mdb024 900 900
    excluded = dict(workspace.query("SELECT image_key, normal_excluded FROM images"))
    # imported, but its only lesion cannot be located: no normal patch may come from it
    assert excluded["mdb024"] == (
        f"finding without location ({mias_row('mdb024')}: box (880, -664)-(920, -624) lies "
        "outside the 256x256 image)"
    )
    # a class without coordinates (the *NOTE 3* calcifications): the same
    assert (
        excluded["mdb209"]
        == f"finding without location ({mias_row('mdb209')}: no coordinates (*NOTE 3*))"
    )
    assert excluded["mdb003"] is None and excluded["mdb001"] is None
    geometry = json.loads(
        workspace.query(
            "SELECT geometry FROM findings WHERE source_row=?", (mias_row("mdb001 G"),)
        )[0][0]
    )
    assert geometry == {"cx": 120.0, "cy": 156.0, "r": 30.0}


def test_cbis_mask_boxes_and_bad_masks(workspace, tmp_path: Path) -> None:
    summary, _ = run_import(workspace, samples.write_cbis(tmp_path / "cbis"))
    got = boxes(workspace, summary["source_id"])
    assert got["mass_case_description_train_set.csv:2"] == (50, 60, 90, 110)
    assert got["mass_case_description_train_set.csv:4"] == (150, 20, 170, 45)
    assert got["calc_case_description_train_set.csv:2"] == (10, 200, 30, 230)
    reasons = skipped(summary)
    assert reasons["mass_case_description_train_set.csv:6"].startswith("no image file for")
    assert reasons["calc_case_description_train_set.csv:4"].startswith(
        "mask is 128x128 but the image is 256x256"
    )
    assert reasons["calc_case_description_train_set.csv:6"] == "mask is empty (all zeros)"
    kind, geometry = workspace.query(
        "SELECT geometry_kind, geometry FROM findings WHERE source_row LIKE 'mass%:2'"
    )[0]
    assert kind == "mask" and "ROI mask images" in json.loads(geometry)["mask"]


def test_unknown_images_and_outside_boxes_are_reported(workspace, tmp_path: Path) -> None:
    summary, _ = run_import(workspace, samples.write_vindr(tmp_path / "vindr"))
    reasons = skipped(summary)
    assert reasons["finding_annotations.csv:7"] == "no image file for id imgE"
    assert "lies outside" in reasons["finding_annotations.csv:6"]
    assert boxes(workspace, summary["source_id"])["finding_annotations.csv:8"] == (
        230,
        100,
        256,
        140,
    )


def test_patient_keys_are_salted_hashes(tmp_path: Path) -> None:
    root = samples.write_cbis(tmp_path / "cbis")
    keys = []
    for name in ("ws1", "ws2"):
        with Workspace.create(tmp_path / name) as ws:
            run_import(ws, root)
            rows = ws.query("SELECT image_key, patient_key FROM images ORDER BY image_key")
            assert all(r[1] and "P_0000" not in r[1] for r in rows)
            assert ws.query("SELECT value FROM meta WHERE key='patient_salt'")[0][0]
            keys.append([r[1] for r in rows])
    assert keys[0][0] != keys[0][1]  # two women
    assert keys[0] != keys[1]  # another workspace, another salt


def test_mias_pairs_share_a_patient(workspace, tmp_path: Path) -> None:
    run_import(workspace, samples.write_mias(tmp_path / "mias"))
    key = dict(workspace.query("SELECT image_key, patient_key FROM images"))
    assert key["mdb001"] == key["mdb002"] != key["mdb003"] == key["mdb004"]
    # PGMs carry no pixel size: the dataset's documented 200 um is stored (fixed-scale patches)
    assert {r[0] for r in workspace.query("SELECT spacing_mm FROM images")} == {0.2}


def test_header_filters(workspace, tmp_path: Path) -> None:
    root = samples.write_optimam(tmp_path / "optimam")
    filters = [
        HeaderFilter.parse("PresentationIntentType=FOR PRESENTATION"),
        HeaderFilter.parse("Manufacturer~hologic"),
    ]
    assert run_import(workspace, root)[0]["images"] == 3
    # the same source again with filters: the catalogue follows the current filters
    summary, _ = run_import(workspace, root, filters=filters)
    assert summary["images"] == 2
    assert summary["findings_by_type"] == {
        "architectural_distortion": 1,
        "calcification": 1,
        "mass": 1,
    }
    raw_uid = samples.OPTIMAM_UIDS[2]
    reasons = skipped(summary)
    assert reasons[raw_uid].startswith("filtered: PresentationIntentType is 'FOR PROCESSING'")
    assert reasons["lesions.csv:5:1"].startswith(f"image {raw_uid} filtered:")


def test_header_filter_expressions() -> None:
    from mammogan_core.io.header import ImageHeader

    header = ImageHeader(
        path="x",
        is_dicom=True,
        manufacturer="HOLOGIC, Inc.",
        attributes={"EstimatedRadiographicMagnificationFactor": 1.0},
    )
    assert (
        HeaderFilter.parse("EstimatedRadiographicMagnificationFactor=1").reject_reason(header)
        is None
    )
    assert HeaderFilter.parse("Manufacturer~hologic").reject_reason(header) is None
    assert HeaderFilter.parse("Manufacturer!=GE").reject_reason(header) is None
    assert "missing" in HeaderFilter.parse("ViewPosition=CC").reject_reason(header)
    assert "is 'HOLOGIC, Inc.'" in HeaderFilter.parse("Manufacturer=GE").reject_reason(header)
    with pytest.raises(InputError, match="bad filter"):
        HeaderFilter.parse("no operator here")


def test_truncated_dicom_is_an_error_and_the_rest_imports(workspace, tmp_path: Path) -> None:
    src = tmp_path / "plain"
    for i in range(3):
        write_mammogram_dicom(src / f"im{i}.dcm", synthetic_breast(64, 64, seed=i))
    data = (src / "im1.dcm").read_bytes()
    (src / "im1.dcm").write_bytes(data[:200])
    summary, events = run_import(workspace, src)
    assert summary["format"] == "images"
    assert summary["images"] == 2
    assert [e["path"] for e in summary["errors"]] == [str(src / "im1.dcm")]
    assert any(isinstance(e, ItemError) for e in events)
    issue = workspace.query("SELECT kind, path FROM import_issues")
    assert [tuple(r) for r in issue] == [("error", str(src / "im1.dcm"))]


class StopAfter(Control):
    def __init__(self, n: int) -> None:
        super().__init__()
        self.left = n

    def check(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise Stopped()


def test_stopped_import_keeps_whole_batches_and_a_rerun_completes_it(
    workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "BATCH_IMAGES", 2)
    root = samples.write_vindr(tmp_path / "vindr")
    summary, _ = run_import(workspace, root, control=StopAfter(3))
    assert summary["images"] == 3  # the batch of 2 plus the image in progress when stopped
    assert all("no image file" not in s["reason"] for s in summary["skipped"])
    full, _ = run_import(workspace, root)
    assert full["images"] == 6


def test_detection_errors(tmp_path: Path) -> None:
    root = samples.write_generic(tmp_path / "mixed")
    (root / "Info.txt").write_text(samples.MIAS_INFO)
    with pytest.raises(InputError, match="several formats"):
        resolve(root, "auto", None)
    assert resolve(root, "mias", None) == ("mias", [root / "Info.txt"])
    with pytest.raises(InputError, match="no vindr annotation file"):
        resolve(root, "vindr", None)
    with pytest.raises(InputError, match="unknown format"):
        resolve(root, "ddsm", None)
    with pytest.raises(InputError, match="annotation file not found"):
        resolve(root, "auto", root / "nope.csv")
    (tmp_path / "empty").mkdir()
    assert resolve(tmp_path / "empty", "auto", None) == ("images", [])


def test_box_checks() -> None:
    from mammogan_core.annotations.schema import Box
    from mammogan_core.importing.geometry import GeometryRejected, fit

    assert fit(Box(-3, 10, 20, 30), 100, 50) == Box(0, 10, 20, 30)  # a few px over: clipped
    assert fit(Box(30, 90, 52, 104), 100, 50) == Box(30, 90, 50, 100)
    for box, reason in [
        (Box(60, 10, 80, 30), "lies outside the 50x100 image"),
        (Box(45, 10, 80, 30), "lies mostly outside"),
        (Box(10, 10, 10, 30), "degenerate box"),
    ]:
        with pytest.raises(GeometryRejected, match=reason):
            fit(box, 100, 50)


def test_images_with_unlocated_findings_give_lesions_but_no_normal_patches(
    workspace, tmp_path: Path
) -> None:
    from mammogan_core.extraction import ExtractParams, extract_patches

    summary, _ = run_import(workspace, samples.write_mias(tmp_path / "mias"))
    assert summary["normal_excluded"] == 3  # mdb024 (off the image), mdb059, mdb209 (no x/y)
    # mdb005 has two located calcifications; an unusable third row excludes it too
    workspace.conn.execute(
        "UPDATE images SET normal_excluded = 'finding without location (test)'"
        " WHERE image_key = 'mdb005'"
    )
    workspace.conn.commit()
    events = list(extract_patches(workspace, ExtractParams(), Control(), workers=0))
    assert isinstance(events[-1], Finished)
    normals = dict(
        workspace.query(
            "SELECT i.image_key, COUNT(p.id) FROM images i LEFT JOIN patches p"
            " ON p.image_id = i.id AND p.label = 'normal' GROUP BY i.id"
        )
    )
    with_normals = {k for k, n in normals.items() if n}
    assert {"mdb003", "mdb004"} <= with_normals  # normal images such as mdb059 and mdb209 look
    assert not with_normals & {"mdb005", "mdb024", "mdb059", "mdb209"}
    lesions = workspace.query(
        "SELECT COUNT(*) FROM patches p JOIN images i ON i.id = p.image_id"
        " WHERE p.label = 'lesion' AND i.image_key = 'mdb005'"
    )[0][0]
    assert lesions == 2  # its located lesions are still cut
