"""The synthetic corpus: real DICOM, correct annotations, mammogram-like content, determinism."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.uid import DigitalMammographyXRayImageStorageForPresentation, ExplicitVRLittleEndian

from mammogan_core.phantom import MANIFEST_COLUMNS, generate_corpus
from mammogan_core.phantom.plan import plan_corpus
from mammogan_core.phantom.render import render, stored_geometry
from mammogan_core.runner import drive

ROWS, COLS, SEED, N = 512, 420, 7, 8


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("phantom")
    summary = drive(generate_corpus(out, N, SEED, rows=ROWS, cols=COLS))
    return out, summary


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def display_pixels(path: Path) -> np.ndarray:
    """Pixels as a viewer shows them: MONOCHROME1 inverted, so bright = dense, air = 0."""
    ds = pydicom.dcmread(path)
    px = ds.pixel_array.astype(np.int32)
    return 4095 - px if ds.PhotometricInterpretation == "MONOCHROME1" else px


def test_files_are_mammography_dicom_with_identifying_tags(corpus):
    out, summary = corpus
    files = sorted(out.glob("images/*/*.dcm"))
    assert len(files) == summary["images"] == N
    photometric, patients = set(), {}
    for path in files:
        ds = pydicom.dcmread(path)
        assert ds.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
        assert ds.SOPClassUID == DigitalMammographyXRayImageStorageForPresentation
        assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
        for uid in (ds.SOPInstanceUID, ds.StudyInstanceUID, ds.SeriesInstanceUID):
            assert uid.is_valid
        assert (ds.Modality, ds.PresentationIntentType) == ("MG", "FOR PRESENTATION")
        assert (ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation) == (
            16,
            12,
            11,
            0,
        )
        assert (ds.Rows, ds.Columns) == (ROWS, COLS) == ds.pixel_array.shape
        assert ds.ImageLaterality == ds.Laterality and ds.ImageLaterality in ("L", "R")
        assert ds.ViewPosition in ("CC", "MLO")
        assert float(ds.PixelSpacing[0]) == float(ds.ImagerPixelSpacing[0]) > 0.1
        assert ds.Manufacturer and ds.PatientOrientation
        # The window starts below the darkest tissue, so windowed tissue stays above air.
        centre, width = float(ds.WindowCenter), float(ds.WindowWidth)
        if ds.PhotometricInterpretation == "MONOCHROME1":
            centre = 4095 - centre
        tissue = display_pixels(path)
        assert 0 <= centre - width / 2 < tissue[tissue > 0].min()
        for tag in (
            "PatientName",
            "PatientID",
            "PatientBirthDate",
            "InstitutionName",
            "StudyDate",
            "AccessionNumber",
            "ReferringPhysicianName",
        ):
            assert str(ds.get(tag, "")).strip(), tag
        photometric.add(ds.PhotometricInterpretation)
        patients.setdefault(ds.PatientID, set()).add((ds.ImageLaterality, ds.ViewPosition))
    assert photometric == {"MONOCHROME1", "MONOCHROME2"}
    assert all(len(views) == 4 for views in patients.values()) and len(patients) == N // 4


def test_air_is_zero_and_tissue_positive(corpus):
    """`image > 0` is the breast mask, for MONOCHROME1 files after inversion too."""
    out, _ = corpus
    plans = plan_corpus(SEED, N, ROWS, COLS)
    y, x = np.mgrid[0:ROWS, 0:COLS].astype(np.float32)
    for plan in plans:
        px = display_pixels(out / plan.rel_path)
        canonical = px[:, ::-1] if plan.mirrored else px
        d = plan.shape.radius(x, y)
        assert (canonical[d > 1.02] == 0).all()
        assert (canonical[d < 0.98] > 0).all()
        assert (canonical[:, 0] > 0).mean() > 0.5  # the chest wall side is tissue
        assert 0.3 < (px > 0).mean() < 0.9


def test_mlo_views_have_a_bright_pectoral_muscle(corpus):
    out, _ = corpus
    for plan in plan_corpus(SEED, N, ROWS, COLS):
        px = display_pixels(out / plan.rel_path)
        canonical = px[:, ::-1] if plan.mirrored else px
        corner = canonical[: ROWS // 10, : COLS // 12].mean()
        tissue = np.median(px[px > 0])
        assert (corner > tissue + 300) == (plan.view == "MLO"), plan.rel_path


def test_annotation_csv_contract(corpus):
    out, summary = corpus
    columns, rows = read_csv(out / "annotations.csv")
    # the generic annotation format, spelled out: the importer's contract
    assert (
        ",".join(columns)
        == "image,patient_id,laterality,view,label,pathology,x1,y1,x2,y2,cx,cy,r,mask"
    )
    assert len(rows) == summary["findings"] > 0
    kinds = set()
    for row in rows:
        assert (out / row["image"]).is_file()
        assert row["label"] in ("mass", "calcification")
        assert row["pathology"] in ("benign", "malignant")
        assert row["laterality"] in ("L", "R") and row["view"] in ("CC", "MLO")
        assert row["mask"] == ""
        box = [row[k] for k in ("x1", "y1", "x2", "y2")]
        circle = [row[k] for k in ("cx", "cy", "r")]
        assert (all(box) and not any(circle)) or (all(circle) and not any(box)), row
        kinds.add("box" if all(box) else "circle")
        if all(box):
            x1, y1, x2, y2 = map(int, box)
            assert 0 <= x1 < x2 <= COLS and 0 <= y1 < y2 <= ROWS
        else:
            cx, cy, r = map(int, circle)
            assert r <= cx < COLS - r and r <= cy < ROWS - r
    assert kinds == {"box", "circle"}


def test_manifest_lists_every_image(corpus):
    out, _ = corpus
    columns, rows = read_csv(out / "manifest.csv")
    assert tuple(columns) == MANIFEST_COLUMNS
    assert sorted(r["image"] for r in rows) == sorted(
        p.relative_to(out).as_posix() for p in out.glob("images/*/*.dcm")
    )
    assert any(r["findings"] == "0" for r in rows)  # some images are normal
    _, findings = read_csv(out / "annotations.csv")
    for r in rows:
        assert int(r["findings"]) == sum(f["image"] == r["image"] for f in findings)


def lesion_geometry(row: dict[str, str]) -> tuple[float, float, float]:
    if row["x1"]:
        x1, y1, x2, y2 = map(int, (row["x1"], row["y1"], row["x2"], row["y2"]))
        return (x1 + x2 - 1) / 2, (y1 + y2 - 1) / 2, (x2 - x1 - 1) / 2
    return float(row["cx"]), float(row["cy"]), float(row["r"])


def test_lesions_are_bright_and_centred_in_their_annotation(corpus):
    out, _ = corpus
    _, rows = read_csv(out / "annotations.csv")
    yy, xx = np.mgrid[0:ROWS, 0:COLS]
    for row in rows:
        px = display_pixels(out / row["image"]).astype(np.float64)
        cx, cy, r = lesion_geometry(row)
        dist = np.hypot(xx - cx, yy - cy)
        ring = px[(dist > 1.6 * r + 2) & (dist < 2.6 * r + 4) & (px > 0)]
        if row["label"] == "mass":
            assert px[dist <= 0.5 * r].mean() > ring.mean() + 100, row
        else:  # calcification specks: the brightest pixels of the neighbourhood
            assert px[dist <= r].max() > np.percentile(ring, 99.5), row


def test_lesion_pixels_are_centred_on_the_stored_coordinates():
    """Render with and without findings: the difference is the lesions, centred on their
    annotated centres (mirrored right breasts included)."""
    for plan in plan_corpus(3, 8, ROWS, COLS):
        if not plan.findings:
            continue
        with_lesions = render(plan).pixels.astype(np.float64)
        without = render(dataclasses.replace(plan, findings=())).pixels.astype(np.float64)
        diff = np.abs(with_lesions - without)
        for placed in plan.findings:
            cx, cy, r = stored_geometry(plan, placed)
            window = np.s_[max(0, cy - 3 * r) : cy + 3 * r + 1, max(0, cx - 3 * r) : cx + 3 * r + 1]
            patch = diff[window]
            ys, xs = np.nonzero(patch)
            weights = patch[ys, xs]
            mx = np.average(xs + window[1].start, weights=weights)
            my = np.average(ys + window[0].start, weights=weights)
            assert abs(mx - cx) < 0.2 * r + 1 and abs(my - cy) < 0.2 * r + 1, (
                plan.rel_path,
                placed,
            )


def test_same_seed_same_bytes_other_seed_other_images(tmp_path, corpus):
    out, _ = corpus
    again = tmp_path / "again"
    drive(generate_corpus(again, 4, SEED, rows=ROWS, cols=COLS))
    for path in again.glob("images/*/*.dcm"):
        assert path.read_bytes() == (out / path.relative_to(again)).read_bytes()
    _, first = read_csv(out / "annotations.csv")
    _, second = read_csv(again / "annotations.csv")
    assert second == [r for r in first if r["image"].startswith("images/case0001/")]
    other = tmp_path / "other"
    drive(generate_corpus(other, 1, SEED + 1, rows=ROWS, cols=COLS))
    name = "images/case0001/case0001_R_CC.dcm"
    assert (other / name).read_bytes() != (out / name).read_bytes()
