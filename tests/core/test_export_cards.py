"""The dataset cards of an export: croissant.json checked against the Croissant 1.0 specification's
required properties, its records read back through the card itself, and README.md's counts.

The checker follows docs/croissant-spec.md of mlcommons/croissant (version 1.0, 2024-03-01):
"Dataset-level Information > Required" (@context, @type sc:Dataset, dct:conformsTo, description,
license, name, url, creator, datePublished), "Modified and Added Properties" (distribution of
FileObject / FileSet), "FileObject" (name, contentUrl, encodingFormat, sha256), "FileSet"
(includes, encodingFormat), "RecordSet" / "Field" / "DataSource" (fields with a dataType and a
source naming a FileObject or FileSet of the distribution and how to extract the value). The
`mlcroissant` package is not used: it pulls in a large stack for one test."""

from __future__ import annotations

import copy
import csv
import fnmatch
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mammogan_core.control import Control
from mammogan_core.errors import InputError
from mammogan_core.export import ExportSettings, export_dataset
from mammogan_core.runner import drive
from mammogan_core.workspace import Workspace

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
REQUIRED = ("@context", "@type", "conformsTo", "description", "license", "name", "url")
REQUIRED += ("creator", "datePublished", "distribution")
FILE_PROPERTIES = {"fullpath", "filepath", "filename", "content", "lines", "lineNumbers"}


def croissant_problems(card: dict[str, Any], folder: Path) -> list[str]:
    """What in `card` breaks the Croissant 1.0 rules (empty: none), checked against the files in
    `folder` (checksums, globs, CSV columns)."""
    problems = [f"missing {key}" for key in REQUIRED if card.get(key) in (None, "", [], {})]
    context = card.get("@context", {})
    if context.get("@vocab") != "https://schema.org/" or "cr" not in context:
        problems.append("@context lacks the schema.org vocabulary or the cr prefix")
    if context.get("conformsTo") != "dct:conformsTo" or "dct" not in context:
        problems.append("@context does not map conformsTo to dct:conformsTo")
    if card.get("@type") != "sc:Dataset":
        problems.append("@type is not sc:Dataset")
    if card.get("conformsTo") != CONFORMS_TO:
        problems.append(f"conformsTo is not {CONFORMS_TO}")
    sources: dict[str, dict[str, Any]] = {}
    for res in card.get("distribution", []):
        rid = res.get("@id", "")
        sources[rid] = res
        if res.get("@type") == "cr:FileObject":
            for key in ("name", "contentUrl", "encodingFormat", "sha256"):
                if not res.get(key):
                    problems.append(f"FileObject {rid} lacks {key}")
            path = folder / res.get("contentUrl", "")
            if not path.is_file():
                problems.append(f"FileObject {rid}: no file {res.get('contentUrl')}")
            elif hashlib.sha256(path.read_bytes()).hexdigest() != res.get("sha256"):
                problems.append(f"FileObject {rid}: sha256 does not match the file")
        elif res.get("@type") == "cr:FileSet":
            if not res.get("includes") or not res.get("encodingFormat"):
                problems.append(f"FileSet {rid} lacks includes or encodingFormat")
            files = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
            if not any(fnmatch.fnmatch(f, res.get("includes", "")) for f in files):
                problems.append(f"FileSet {rid}: includes matches no file")
        else:
            problems.append(f"distribution {rid} is neither cr:FileObject nor cr:FileSet")
    for rs in card.get("recordSet", []):
        if rs.get("@type") != "cr:RecordSet" or not rs.get("field"):
            problems.append(f"recordSet {rs.get('@id')} is no cr:RecordSet with fields")
        for field in rs.get("field", []):
            fid = field.get("@id")
            if field.get("@type") != "cr:Field" or not field.get("dataType"):
                problems.append(f"field {fid} is no cr:Field with a dataType")
            if "data" in rs:  # inline records need no source
                continue
            src = field.get("source", {})
            ref = (src.get("fileObject") or src.get("fileSet") or {}).get("@id")
            if ref not in sources:
                problems.append(f"field {fid}: source {ref!r} is not in the distribution")
                continue
            extract = src.get("extract", {})
            if "column" in extract:
                with open(folder / sources[ref]["contentUrl"], newline="", encoding="utf-8") as fh:
                    header = next(csv.reader(fh))
                if extract["column"] not in header:
                    problems.append(f"field {fid}: no column {extract['column']!r} in {ref}")
            elif extract.get("fileProperty") not in FILE_PROPERTIES:
                problems.append(f"field {fid}: extract is neither a column nor a fileProperty")
    return problems


def records(card: dict[str, Any], folder: Path, record_set: str) -> list[dict[str, str]]:
    """A record set's records as the card says to read them (column extracts only)."""
    rs = next(r for r in card["recordSet"] if r["@id"] == record_set)
    by_id = {res["@id"]: res for res in card["distribution"]}
    out: list[dict[str, str]] = []
    for field in rs["field"]:
        src = field["source"]
        table = by_id[src["fileObject"]["@id"]]["contentUrl"]
        with open(folder / table, newline="", encoding="utf-8") as fh:
            values = [row[src["extract"]["column"]] for row in csv.DictReader(fh)]
        out = [{**(out[i] if out else {}), field["name"]: v} for i, v in enumerate(values)]
    return out


def export(ws_path: Path, out: Path, **settings) -> dict[str, Any]:
    with Workspace.open(ws_path) as ws:
        summary = drive(export_dataset(ws, ExportSettings(out=str(out), **settings), Control()))
    assert summary["status"] == "finished", summary
    return summary


@pytest.mark.parametrize("fmt", ["imagefolder", "npz"])
def test_croissant_card_meets_the_specification_and_reads_back(demo_ws, tmp_path, fmt):
    out = tmp_path / fmt
    summary = export(demo_ws, out, format=fmt, license="CC-BY-4.0")
    card = json.loads((out / "croissant.json").read_text())
    assert croissant_problems(card, out) == []
    assert card["license"] == "https://spdx.org/licenses/CC-BY-4.0.html"
    assert "Synthetic" in card["rai:dataCollectionType"]

    rows = records(card, out, "images")
    assert len(rows) == summary["images"]
    tally = Counter((r["split"], r["label"], r["origin"]) for r in rows)
    assert tally == Counter(
        {
            (split, label, origin): n
            for split, by_class in summary["counts"].items()
            for label, by_origin in by_class.items()
            for origin, n in by_origin.items()
        }
    )
    for r in rows:
        assert (r["synthetic"] == "true") == (r["origin"] == "synthetic")
        assert bool(r["generator_sha256"]) == (r["origin"] == "synthetic")
        assert bool(r["source_key"]) == (r["origin"] != "synthetic")
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {r["file"] for r in rows} <= files
    if fmt == "imagefolder":  # the file set is every image file, and only them
        (image_set,) = [d for d in card["distribution"] if d["@type"] == "cr:FileSet"]
        matched = {f for f in files if fnmatch.fnmatch(f, image_set["includes"])}
        assert matched == {r["file"] for r in rows}


def test_the_checker_finds_what_breaks_the_specification(demo_ws, tmp_path):
    """Negative controls: each planted fault is reported."""
    out = tmp_path / "x"
    export(demo_ws, out, format="npz")
    card = json.loads((out / "croissant.json").read_text())
    assert croissant_problems(card, out) == []

    def broken(change) -> list[str]:
        bad = copy.deepcopy(card)
        change(bad)
        return croissant_problems(bad, out)

    assert broken(lambda c: c.pop("license")) == ["missing license"]
    assert broken(lambda c: c.pop("datePublished")) == ["missing datePublished"]
    assert "conformsTo is not" in broken(lambda c: c.update(conformsTo="1.0"))[0]
    assert (
        "sha256 does not match" in broken(lambda c: c["distribution"][0].update(sha256="0" * 64))[0]
    )
    field = lambda c: c["recordSet"][1]["field"][0]  # noqa: E731
    assert "no column" in broken(lambda c: field(c)["source"]["extract"].update(column="x"))[0]
    assert (
        "not in the distribution"
        in broken(lambda c: field(c)["source"].update(fileObject={"@id": "gone.csv"}))[0]
    )
    (out / "manifest.csv").write_text("changed\n")  # a file changed after the export
    assert any("sha256 does not match" in p for p in croissant_problems(card, out))


def test_datasheet_counts_classes_splits_and_names_the_run(demo_ws, tmp_path):
    out = tmp_path / "x"
    summary = export(demo_ws, out, split=("train", "val", "test"))
    text = (out / "README.md").read_text()
    rows = [ln for ln in text.splitlines() if ln.startswith("| ") and "split" not in ln]
    table = {}
    for ln in rows:
        split, label, real, flipped, synthetic, _patients = [c.strip() for c in ln[1:-1].split("|")]
        table[(split, label)] = {"real": int(real), "flipped": int(flipped)}
        table[(split, label)]["synthetic"] = int(synthetic)
    expected = {
        (split, label): {o: by_origin.get(o, 0) for o in ("real", "flipped", "synthetic")}
        for split, by_class in summary["counts"].items()
        for label, by_origin in by_class.items()
    }
    assert table == expected
    export_json = json.loads((out / "export.json").read_text())
    assert export_json["generator"]["run"] in text and export_json["generator"]["sha256"] in text
    assert "Licence: not stated" in text and "De-identification" in text
    card = json.loads((out / "croissant.json").read_text())
    assert card["license"]["@type"] == "sc:CreativeWork"  # not stated: says so, still present
    assert croissant_problems(card, out) == []


def test_a_licence_that_is_neither_an_spdx_id_nor_a_url_is_refused():
    with pytest.raises(InputError, match="SPDX"):
        ExportSettings(out="x", license="free for all")
    assert ExportSettings(out="x", license="https://example.org/terms").license
