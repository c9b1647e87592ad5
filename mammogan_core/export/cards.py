"""The dataset cards of an export: croissant.json (MLCommons Croissant 1.0 JSON-LD, which dataset
search engines and `mlcroissant` read) and README.md (a short datasheet for people).

Like the manifest they hold no time of now and no path outside the export: the dates are those
of the data (the newest patch extraction, the generator run's end), so a re-export of the same
data writes the same bytes. What the exporter alone knows (the creator, and the licence unless
given) is left for them to fill in, and says so."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

from ..workspace import PATCH_SIZE, Workspace
from .manifest import COLUMNS, CROISSANT, DATASHEET, EXPORT_JSON, MANIFEST
from .marks import SOFTWARE
from .plan import ExportPlan

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
# The context of the specification's Appendix 1, with the prefixes and the Croissant terms
# that the published 1.0 example datasets add (cr, dct, rai, conformsTo, fileObject, ...).
CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
NOT_STATED = "not stated: fill in before sharing (README.md and croissant.json)"
# (encodingFormat, glob) of the formats with one file per image
IMAGE_FILES = {
    "imagefolder": ("image/png", "*/*/*.png"),
    "tiff": ("image/tiff", "*/*/*.tif"),
    "dicom": ("application/dicom", "*/*/*.dcm"),
}
ARRAY_FILES = {"npz": "application/x-npz", "hdf5": "application/x-hdf5"}
SPLIT_URLS = {"train": "cr:TrainingSplit", "val": "cr:ValidationSplit", "test": "cr:TestSplit"}
# manifest column -> (field name, dataType, description)
FIELDS = {
    "file": ("file", "sc:Text", "the image's file, relative to the export folder"),
    "index": ("index", "sc:Text", "the image's row in the array file ('' for an image file)"),
    "split": ("split", "sc:Text", "train, val or test"),
    "class": ("label", ["sc:Text", "cr:Label"], "lesion or normal"),
    "origin": ("origin", "sc:Text", "real, flipped (a mirrored real patch) or synthetic"),
    "synthetic": ("synthetic", "sc:Boolean", "true for an image made by the generator"),
    "lesion_type": ("lesion_type", "sc:Text", "the finding's type (mass, calcification, ...)"),
    "source_key": ("source_key", "sc:Text", "the source patient's salted pseudonym (real)"),
    "run": ("generator_run", "sc:Text", "the generator's training run (synthetic)"),
    "checkpoint_sha256": (
        "generator_sha256",
        "sc:Text",
        "sha256 of the generator's checkpoint (synthetic)",
    ),
}


def write_cards(ws: Workspace, folder: Path, plan: ExportPlan, files: list[str]) -> None:
    """croissant.json and README.md into the (staging) export folder, after the images, the
    manifest and export.json, whose checksums croissant.json records."""
    dates = data_dates(ws, plan)
    (folder / CROISSANT).write_text(
        json.dumps(croissant(plan, folder, files, dates), indent=2) + "\n", encoding="utf-8"
    )
    (folder / DATASHEET).write_text(datasheet(plan, dates), encoding="utf-8")


def data_dates(ws: Workspace, plan: ExportPlan) -> dict[str, str]:
    """'patches': the day of the newest patch extraction; 'run': the day the generator's run
    last changed ('' without one)."""
    newest = ws.query("SELECT max(created_at) FROM patches")[0][0] or ""
    run = ""
    if plan.source is not None and plan.source.run:
        rows = ws.query("SELECT updated_at FROM runs WHERE id=?", (plan.source.run,))
        run = rows[0][0][:10] if rows else ""
    return {"patches": newest[:10], "run": run}


def croissant(
    plan: ExportPlan, folder: Path, files: list[str], dates: dict[str, str]
) -> dict[str, Any]:
    fmt = plan.settings.format
    distribution: list[dict[str, Any]] = [
        _file_object(folder, MANIFEST, "text/csv", "one row per image: the record set's source"),
        _file_object(folder, EXPORT_JSON, "application/json", "the export's settings and counts"),
    ]
    if fmt in IMAGE_FILES:
        encoding, pattern = IMAGE_FILES[fmt]
        distribution.append(
            {
                "@type": "cr:FileSet",
                "@id": "images",
                "name": "images",
                "description": "the image files, <split>/<class>/<name>",
                "encodingFormat": encoding,
                "includes": pattern,
            }
        )
    else:
        distribution += [
            _file_object(folder, name, ARRAY_FILES[fmt], "the images") for name in files
        ]
    published = max(dates["patches"], dates["run"])
    synthetic = sum(1 for it in plan.items if it.origin == "synthetic")
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": "mammogan-export-" + plan.digest()[:12],
        "description": _summary(plan),
        "conformsTo": CONFORMS_TO,
        "license": _license(plan.settings.license),
        "url": DATASHEET,  # the export has no web page: its datasheet stands for one
        "creator": {"@type": "sc:Person", "name": NOT_STATED},
        "datePublished": published,
        "dateCreated": published,
        "version": "1.0.0",
        "isLiveDataset": False,
        "keywords": ["mammography", "lesion patches", "data augmentation"]
        + (["synthetic data", "DCGAN"] if synthetic else []),
        "inLanguage": "en",
        "rai:dataCollection": _collection(plan),
        "rai:dataCollectionType": ["Secondary Data Analysis"]
        + (["Synthetic"] if synthetic else []),
        "distribution": distribution,
        "recordSet": [_splits_record_set(plan), _images_record_set(plan)],
    }


def _file_object(folder: Path, name: str, encoding: str, description: str) -> dict[str, Any]:
    data = (folder / name).read_bytes()
    return {
        "@type": "cr:FileObject",
        "@id": name,
        "name": name,
        "description": description,
        "contentUrl": name,
        "contentSize": f"{len(data)} B",
        "encodingFormat": encoding,
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def _license(license: str) -> str | dict[str, str]:
    text = license.strip()
    if not text:
        return {"@type": "sc:CreativeWork", "name": NOT_STATED}
    if "://" in text:
        return text
    return f"https://spdx.org/licenses/{text}.html"


def _splits_record_set(plan: ExportPlan) -> dict[str, Any]:
    splits = sorted({it.split for it in plan.items}, key=list(SPLIT_URLS).index)
    return {
        "@type": "cr:RecordSet",
        "@id": "splits",
        "name": "splits",
        "dataType": "cr:Split",
        "key": {"@id": "splits/name"},
        "field": [
            {"@type": "cr:Field", "@id": "splits/name", "name": "name", "dataType": "sc:Text"},
            {"@type": "cr:Field", "@id": "splits/url", "name": "url", "dataType": "cr:Split"},
        ],
        "data": [{"splits/name": s, "splits/url": SPLIT_URLS[s]} for s in splits],
    }


def _images_record_set(plan: ExportPlan) -> dict[str, Any]:
    array_file = plan.settings.format in ARRAY_FILES
    fields = []
    for column in COLUMNS:
        if column not in FIELDS or (column == "index" and not array_file):
            continue
        name, data_type, description = FIELDS[column]
        field: dict[str, Any] = {
            "@type": "cr:Field",
            "@id": f"images/{name}",
            "name": name,
            "description": description,
            "dataType": data_type,
            "source": {"fileObject": {"@id": MANIFEST}, "extract": {"column": column}},
        }
        if column == "split":
            field["references"] = {"field": {"@id": "splits/name"}}
        fields.append(field)
    key = ["images/file", "images/index"] if array_file else ["images/file"]
    return {
        "@type": "cr:RecordSet",
        "@id": "images",
        "name": "images",
        "description": f"one record per image ({PATCH_SIZE} x {PATCH_SIZE} px, grey)",
        "key": [{"@id": k} for k in key],
        "field": fields,
    }


def _summary(plan: ExportPlan) -> str:
    origins = Counter(it.origin for it in plan.items)
    parts = ", ".join(f"{n} {origin}" for origin, n in sorted(origins.items()))
    text = (
        f"{len(plan.items)} mammography patches of {PATCH_SIZE} x {PATCH_SIZE} px "
        f"({parts}), lesion and normal, exported by {SOFTWARE} as {plan.settings.format}."
    )
    if origins["synthetic"]:
        text += (
            " The synthetic images are made by a DCGAN generator, not taken of a patient; each "
            "is marked so in its own file and in the synthetic field."
        )
    return text


def _collection(plan: ExportPlan) -> str:
    text = (
        "Real patches: crops around annotated findings (lesion) and away from them (normal) of "
        "de-identified mammograms, extracted by MammoGAN; flipped: their left-right mirror."
    )
    if plan.source is not None:
        src = plan.source
        text += (
            f" Synthetic: drawn by the DCGAN generator of run {src.run or '(a weights file)'}, "
            f"checkpoint {src.checkpoint} (sha256 {src.sha256}), latent seed "
            f"{plan.settings.seed}."
        )
    return text


def datasheet(plan: ExportPlan, dates: dict[str, str]) -> str:
    s, src = plan.settings, plan.source
    lines = [
        "# Datasheet: " + "mammogan-export-" + plan.digest()[:12],
        "",
        "## What",
        "",
        _summary(plan),
        "",
        "| split | class | real | flipped | synthetic | patients |",
        "|---|---|---|---|---|---|",
    ]
    for split, by_class in plan.counts().items():
        for label, by_origin in by_class.items():
            patients = {
                it.source_key
                for it in plan.items
                if it.split == split and it.label == label and it.source_key
            }
            lines.append(
                f"| {split} | {label} | {by_origin.get('real', 0)} | "
                f"{by_origin.get('flipped', 0)} | {by_origin.get('synthetic', 0)} | "
                f"{len(patients)} |"
            )
    lines += ["", "## How it was made", "", _collection(plan)]
    if dates["patches"]:
        lines.append(f"The newest patch extraction dates from {dates['patches']}.")
    lines += [
        "Flipped and synthetic images are in the training split only: validation and test "
        "hold real patches alone.",
        "",
        "Settings (as in export.json):",
        "",
        "```json",
        json.dumps(s.recorded(), indent=2, sort_keys=True),
        "```",
        "",
        "## Synthetic images",
        "",
    ]
    if src is None:
        lines.append("None: every image is real or a mirrored real one.")
    else:
        lines += [
            f"Generator: run `{src.run or '(a weights file)'}`, checkpoint `{src.checkpoint}`, "
            f"sha256 `{src.sha256}`.",
            "Each synthetic image says so in its own file: PNG tEXt `Synthetic: true` with "
            "`Synthetic-Run` and `Synthetic-Checkpoint-SHA256`; TIFF ImageDescription (JSON) and "
            "Software; DICOM Conversion Type SYN, Image Type SYNTHETIC, Synthetic Data YES and "
            "the generator in the Contributing Equipment Sequence; NPZ and HDF5 the `synthetic`, "
            "`generator_run` and `generator_sha256` arrays. manifest.csv and croissant.json "
            "carry the `synthetic` flag of every image.",
        ]
    lines += [
        "",
        "## De-identification",
        "",
        "Only patch pixels are exported: no value of a source file's header (names, ids, "
        "dates, institution, UIDs); DICOM files get new UIDs derived from the export. A real "
        "patch names its patient only by a salted pseudonym (`source_key`), for patient-level "
        "splits; pixels may still show what the source image showed.",
        "",
        "## Licence and creator",
        "",
        f"- Licence: {s.license.strip() or NOT_STATED}",
        f"- Creator: {NOT_STATED}",
        "- The licence must allow what the source data's licence allows: check it.",
        "",
        "## Intended use and limits",
        "",
        "Research on lesion classification and data augmentation. Not for diagnosis or any "
        "clinical decision. Synthetic lesions resemble the training patches of one workspace; "
        "they do not add patients, and a model trained on them must be tested on real data.",
        "",
        f"Files: {MANIFEST} (one row per image), {EXPORT_JSON}, {CROISSANT}.",
        "",
    ]
    return "\n".join(lines)
