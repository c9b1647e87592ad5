"""Annotation parsers on real-shaped files: each format's layout, vocabulary and quirks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mammogan_core.annotations import cbis, generic, inbreast, mias, optimam, tables, vindr
from mammogan_core.annotations.schema import Box, Circle, Mask, Polygon
from mammogan_core.errors import InputError
from mammogan_core.io import read_header
from mammogan_core.testing import datasets as samples


def mias_row(start: str) -> str:
    """The source row of the sample Info.txt line that starts with `start`."""
    lines = samples.MIAS_INFO.splitlines()
    return f"Info.txt:{next(i for i, ln in enumerate(lines, 1) if ln.startswith(start))}"


def reasons(aset) -> dict[str, str]:
    return {s.source_row: s.reason for s in aset.skipped}


# ------------------------------------------------------------------ tables
def test_read_table_names_missing_columns_and_handles_quirks(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        '\ufeffPatient_ID;ROI mask file path\nP_1;"a/b.dcm\n"\n\nP_2;c.dcm\n', encoding="utf-8"
    )
    table = tables.read_table(path, ("patient id", "roi mask file path"), "test")
    assert [line for line, _ in table.rows] == [2, 5]  # the quoted newline spans lines 2-3
    assert table.rows[0][1] == {"patient id": "P_1", "roi mask file path": "a/b.dcm"}
    with pytest.raises(InputError, match=r"missing column.*'image view'.*found: Patient_ID") as err:
        tables.read_table(path, ("patient_id", "image view"), "CBIS-DDSM")
    assert err.value.path == str(path)
    with pytest.raises(InputError, match="not found"):
        tables.read_table(tmp_path / "nope.csv", ("a",), "test")


def test_coords_and_vocabularies() -> None:
    assert tables.coords({"a": "1", "b": "2.5"}, ("a", "b")) == ([1.0, 2.5], None)
    assert tables.coords({"a": "", "b": "NaN"}, ("a", "b")) == (None, None)
    assert (
        tables.coords({"a": "1", "b": ""}, ("a", "b"))[1] == "incomplete coordinates (b is empty)"
    )
    assert "bad coordinate" in tables.coords({"a": "x"}, ("a",))[1]
    assert tables.finding_type("Spiculated Region") == "mass"
    assert tables.finding_type("micro-calcifications") == "calcification"
    assert tables.finding_type("Assymetry") == "asymmetry"
    assert tables.finding_type("lymph node") == "other"
    assert tables.pathology("BENIGN_WITHOUT_CALLBACK") == "benign"
    assert tables.pathology("Malignant") == "malignant"
    assert tables.pathology("") == "unknown"
    assert [tables.truthy(v) for v in ("1", "0", "True", "False", "1.0", "")] == [
        True,
        False,
        True,
        False,
        True,
        False,
    ]


# ------------------------------------------------------------------ mini-MIAS
def test_mias_info_txt_quirks(tmp_path: Path) -> None:
    root = samples.write_mias(tmp_path / "mias")
    aset = mias.parse(root / "Info.txt")
    by_row = {f.source_row: f for f in aset.findings}
    first = by_row[mias_row("mdb001 G")]  # `mdb001 G CIRC B 120 100 30` with trailing spaces
    assert (first.image_ref, first.finding_type, first.pathology) == ("mdb001", "mass", "benign")
    assert first.geometry == Circle(120, 1024 - 100, 30)  # bottom-left origin, default height
    assert mias.to_height(first, 256).geometry == Circle(120, 256 - 100, 30)  # real height
    assert [f.image_ref for f in aset.findings].count("mdb005") == 2
    assert {f.finding_type for f in aset.findings if f.image_ref == "mdb005"} == {"calcification"}
    assert set(aset.images) == {"mdb003", "mdb004"}  # NORM rows, one with a trailing space
    assert reasons(aset) == {
        mias_row("mdb059"): "no coordinates",
        mias_row("mdb209"): "no coordinates (*NOTE 3*)",
    }
    # the left/right pair mdb001/mdb002 is one woman; mdb003 starts the next pair
    assert (
        first.patient_id
        == by_row[mias_row("mdb002 G")].patient_id
        != aset.images["mdb003"]["patient_id"]
    )
    assert (first.laterality, by_row[mias_row("mdb002 G")].laterality) == ("R", "L")
    assert Path(aset.image_paths["mdb001"]).name == "mdb001.pgm"
    assert "mdb024" in aset.image_paths


def test_mias_rejects_a_file_without_table(tmp_path: Path) -> None:
    path = tmp_path / "Info.txt"
    path.write_text("just some notes\nabout nothing\n")
    with pytest.raises(InputError, match="REFNUM"):
        mias.parse(path)


# ------------------------------------------------------------------ CBIS-DDSM
def test_cbis_csv_without_images_keeps_raw_paths(tmp_path: Path) -> None:
    root = samples.write_cbis(tmp_path / "cbis")
    aset = cbis.parse(root / "calc_case_description_train_set.csv")
    first = aset.findings[0]
    assert first.image_ref == "Calc-Training_P_00005_RIGHT_CC"
    assert (first.finding_type, first.pathology, first.laterality, first.view) == (
        "calcification",
        "benign",
        "R",
        "CC",
    )
    assert first.extra["pathology_raw"] == "BENIGN_WITHOUT_CALLBACK"
    assert first.extra["breast_density"] == "3"  # `breast density` in calc CSVs
    assert first.extra["calc_type"] == "AMORPHOUS"
    assert isinstance(first.geometry, Mask) and first.geometry.path.endswith("000001.dcm")


def test_cbis_resolves_tcia_tree_and_tells_mask_from_crop(tmp_path: Path) -> None:
    root = samples.write_cbis(tmp_path / "cbis")
    aset = cbis.parse_many(sorted(root.glob("*.csv")), root)
    masks = {f.source_row: f.geometry.path for f in aset.findings}
    for path in masks.values():
        assert "ROI mask images" in path
    # abnormality 2 keeps the crop (1-1.dcm) and the mask (1-2.dcm) in one series
    two = masks["mass_case_description_train_set.csv:4"]
    assert Path(two).name == "1-2.dcm" and read_header(two).rows == samples.SIZE
    full = aset.image_paths["Mass-Training_P_00001_LEFT_CC"]
    assert "full mammogram images" in full
    assert reasons(aset) == {
        "mass_case_description_train_set.csv:6": "no image file for Mass-Training_P_00099_RIGHT_MLO"
    }


def test_cbis_missing_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("patient_id,image view,abnormality id\nP_1,CC,1\n")
    with pytest.raises(InputError, match=r"'left or right breast'.*'ROI mask file path'"):
        cbis.parse(path)


# ------------------------------------------------------------------ VinDr-Mammo
def test_vindr_categories_normals_and_breast_level(tmp_path: Path) -> None:
    root = samples.write_vindr(tmp_path / "vindr")
    aset = vindr.parse(root / "finding_annotations.csv")
    rows = {f.source_row: f for f in aset.findings}
    multi = rows["finding_annotations.csv:3"]
    assert multi.finding_type == "mass"
    assert multi.extra["categories"] == ["Mass", "Suspicious Calcification"]
    assert multi.label_raw == "['Mass', 'Suspicious Calcification']"
    assert rows["finding_annotations.csv:2"].geometry == Box(10.5, 20.25, 60.0, 80.75)
    assert rows["finding_annotations.csv:2"].pathology == "unknown"
    assert rows["finding_annotations.csv:2"].extra["finding_birads"] == "BI-RADS 4"
    assert rows["finding_annotations.csv:5"].finding_type == "other"  # Skin Thickening
    assert rows["finding_annotations.csv:8"].finding_type == "asymmetry"  # Focal Asymmetry
    assert set(aset.images) == {"imgB", "imgG"}  # No Finding + breast-level only
    assert aset.images["imgB"]["patient_id"] == "st1"
    assert "imgE" not in aset.image_paths  # no file: reported by the import
    assert aset.image_paths["imgA"].endswith("images/st1/imgA.dicom")


def test_vindr_bad_rows_and_renamed_files(tmp_path: Path) -> None:
    header = ",".join(samples.VINDR_HEADER)
    (tmp_path / "finding_annotations.csv").write_text(
        f"{header}\n"
        "s1,x,i1,L,CC,9,9,BI-RADS 4,DENSITY C,['Mass',,9,9,9,9,training\n"
        "s1,x,i2,L,CC,9,9,BI-RADS 4,DENSITY C,['Mass'],BI-RADS 4,,,,,training\n"
        "s1,x,i3,L,CC,9,9,BI-RADS 1,DENSITY C,['No Finding'],,,,,,training\n"
    )
    (tmp_path / "flat").mkdir()
    (tmp_path / "flat" / "i3.dcm").write_bytes(b"")  # a copy renamed to .dcm, outside images/
    aset = vindr.parse(tmp_path / "finding_annotations.csv")
    assert reasons(aset) == {
        "finding_annotations.csv:2": "bad finding_categories \"['Mass'\"",
        "finding_annotations.csv:3": "no coordinates",
    }
    assert aset.image_paths == {"i3": str(tmp_path / "flat" / "i3.dcm")}


# ------------------------------------------------------------------ INbreast
def test_inbreast_plists(tmp_path: Path) -> None:
    root = samples.write_inbreast(tmp_path / "inbreast")
    (root / "AllXML" / "99999999.xml").write_text("<plist><dict><key>Images</key>")  # broken
    aset = inbreast.parse(root / "AllXML")
    rows = {f.source_row: f for f in aset.findings}
    mass = rows["20586908.xml:image0:roi0"]
    assert isinstance(mass.geometry, Polygon) and len(mass.geometry.points) == 4
    assert (mass.patient_id, mass.laterality, mass.view) == ("6904c2c1d5b0a8e3", "R", "CC")
    assert mass.extra == {"birads": "4c"}
    calc = rows["20586908.xml:image0:roi1"]  # one point: a small box around it
    assert calc.finding_type == "calcification"
    assert calc.geometry == Box(55.5, 65.25, 65.5, 75.25)
    assert rows["20586908.xml:image0:roi2"].finding_type == "asymmetry"  # "Assymetry" (sic)
    cluster = rows["20586934.xml:image0:roi0"]
    assert (cluster.finding_type, cluster.view) == ("calcification", "MLO")  # ML files are MLO
    assert reasons(aset) == {
        "20586908.xml:image0:roi3": "not a lesion (Pectoral Muscle)",
        "20586908.xml:image0:roi4": "no coordinates (empty Point_px)",
        "99999999.xml": reasons(aset)["99999999.xml"],
    }
    assert reasons(aset)["99999999.xml"].startswith("unreadable OsiriX plist")
    assert list(aset.images) == ["22580192"]  # no XML: a normal image
    assert aset.image_paths["22580192"].endswith("22580192_5530d5782fc89dd7_MG_L_CC_ANON.dcm")


# ------------------------------------------------------------------ OPTIMAM
def test_optimam_flags_status_and_modifier(tmp_path: Path) -> None:
    root = samples.write_optimam(tmp_path / "optimam")
    aset = optimam.parse(root / "lesions.csv")
    rows = {f.source_row: f for f in aset.findings}
    mass = rows["lesions.csv:2:1"]
    assert (mass.finding_type, mass.pathology, mass.patient_id) == ("mass", "malignant", "demd100")
    assert mass.geometry == Box(30, 40, 90, 120)  # (X1, Y1)-(X2, Y2) from X1, X2, Y1, Y2
    assert mass.extra["with_calcification"] is True
    assert mass.label_raw == "Mass+WithCalcification"  # the columns as OMI-DB spells them
    calc = rows["lesions.csv:3:2"]  # True/False flags
    assert (calc.finding_type, calc.pathology) == ("calcification", "benign")
    assert calc.label_raw == "SuspiciousCalcifications"
    assert rows["lesions.csv:4:1"].pathology == "malignant"  # interval cancer
    assert rows["lesions.csv:5:1"].finding_type == "asymmetry"
    assert reasons(aset) == {"lesions.csv:7:3": "no coordinates"}
    assert aset.image_paths == {}  # matched by SOP Instance UID at import


# ------------------------------------------------------------------ generic
def test_generic_box_circle_mask_and_manifest(tmp_path: Path) -> None:
    root = samples.write_generic(tmp_path / "generic")
    aset = generic.parse(root / "labels.csv")
    rows = {f.source_row: f for f in aset.findings}
    assert rows["labels.csv:2"].geometry == Box(10, 20, 50, 60)
    assert rows["labels.csv:3"].image_ref == "img/a.png"  # `./img/a.png` is the same image
    assert rows["labels.csv:3"].geometry == Circle(100, 100, 8)
    assert rows["labels.csv:3"].finding_type == "calcification"
    assert rows["labels.csv:4"].finding_type == "architectural_distortion"
    assert rows["labels.csv:5"].geometry == Mask(str(root / "img" / "c_mask.png"))
    assert (rows["labels.csv:5"].pathology, rows["labels.csv:4"].pathology) == (
        "malignant",
        "unknown",
    )
    assert list(aset.images) == ["img/n1.png"]
    assert "img/missing.png" not in aset.image_paths


def test_generic_minimal_columns_and_normal_rows(tmp_path: Path) -> None:
    (tmp_path / "x.png").write_bytes(b"")
    path = tmp_path / "labels.csv"
    path.write_text(
        textwrap.dedent("""\
        label,image,x1,y1,x2,y2
        lump,x.png,1,2,3,4
        normal,x.png,,,,
        mass,x.png,,,,
        mass,x.png,1,2,,
    """)
    )
    aset = generic.parse(path)
    assert [(f.finding_type, f.geometry) for f in aset.findings] == [("other", Box(1, 2, 3, 4))]
    assert list(aset.images) == ["x.png"]
    assert reasons(aset) == {
        "labels.csv:4": "no coordinates",
        "labels.csv:5": "incomplete coordinates (x2 is empty)",
    }
    path.write_text("image,x1\nx.png,1\n")
    with pytest.raises(InputError, match="'label'"):
        generic.parse(path)


def test_cbis_classic_layout_with_the_crop_named_as_the_mask(tmp_path: Path) -> None:
    """Older TCIA downloads keep the CSV's UID folders exactly; some CSV rows then point the
    ROI mask path at the cropped image (000001.dcm here): the mask is still found."""
    from mammogan_core.testing.datasets.cbis import CBIS_MASS_HEADER
    from mammogan_core.testing.datasets.common import dicom, mask_dicom, write_csv

    case, uid = "Mass-Training_P_00007_LEFT_MLO", "1.3.6.1.4.1.9590.100.1.2."
    image = f"{case}/{uid}1/{uid}2/000000.dcm"
    dicom(tmp_path / image)
    mask_dicom(tmp_path / f"{case}_1/{uid}3/{uid}4/000000.dcm", (50, 60, 90, 110), (256, 256))
    crop = f"{case}_1/{uid}3/{uid}4/000001.dcm"
    dicom(tmp_path / crop, 40, 40)
    row = ("P_00007", 2, "LEFT", "MLO", 1, "mass", "OVAL", "CIRCUMSCRIBED", 3, "BENIGN", 3)
    csv_path = write_csv(tmp_path / "mass.csv", CBIS_MASS_HEADER, [(*row, image, crop, crop)])
    aset = cbis.parse(csv_path, tmp_path)
    assert not aset.skipped
    (finding,) = aset.findings
    assert finding.geometry == Mask(str(tmp_path / f"{case}_1/{uid}3/{uid}4/000000.dcm"))
