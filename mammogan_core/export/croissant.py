"""croissant.json: the export described in MLCommons Croissant 1.0 JSON-LD, which dataset search
engines and `mlcroissant` read: its files (with their sha256), the splits, and a record per image
(file, label, split, origin, synthetic flag, source key, generator) read from manifest.csv.

Like the manifest it holds no time of now and no path outside the export (datePublished is the
day of the data), so a re-export of the same data writes the same bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..workspace import PATCH_SIZE
from .datasheet import NOT_STATED, collection, summary
from .manifest import COLUMNS, DATASHEET, EXPORT_JSON, MANIFEST
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
        "description": summary(plan),
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
        "rai:dataCollection": collection(plan),
        "rai:dataCollectionType": ["Secondary Data Analysis"]
        + (["Synthetic"] if synthetic else []),
        "distribution": distribution,
        "recordSet": [
            _splits_record_set(plan),
            _images_record_set(plan),
            *([_files_record_set()] if fmt in IMAGE_FILES else []),
        ],
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


def _field(record_set: str, name: str, data_type: Any, **more: Any) -> dict[str, Any]:
    return {
        "@type": "cr:Field",
        "@id": f"{record_set}/{name}",
        "name": name,
        "dataType": data_type,
        **more,
    }


def _record_set(name: str, description: str, key: Any, fields: list, **more: Any) -> dict:
    return {
        "@type": "cr:RecordSet",
        "@id": name,
        "name": name,
        "description": description,
        "key": key,
        "field": fields,
        **more,
    }


def _splits_record_set(plan: ExportPlan) -> dict[str, Any]:
    splits = sorted({it.split for it in plan.items}, key=list(SPLIT_URLS).index)
    return _record_set(
        "splits",
        "the splits of the export (validation and test hold real patches alone)",
        {"@id": "splits/name"},
        [_field("splits", "name", "sc:Text"), _field("splits", "url", "cr:Split")],
        dataType="cr:Split",
        data=[{"splits/name": s, "splits/url": SPLIT_URLS[s]} for s in splits],
    )


def _images_record_set(plan: ExportPlan) -> dict[str, Any]:
    array_file = plan.settings.format in ARRAY_FILES
    fields = []
    for column in COLUMNS:
        if column not in FIELDS or (column == "index" and not array_file):
            continue
        name, data_type, description = FIELDS[column]
        source = {"fileObject": {"@id": MANIFEST}, "extract": {"column": column}}
        link = {"references": {"field": {"@id": "splits/name"}}} if column == "split" else {}
        fields.append(
            _field("images", name, data_type, description=description, source=source, **link)
        )
    key = ["images/file", "images/index"] if array_file else ["images/file"]
    return _record_set(
        "images",
        f"one record per image ({PATCH_SIZE} x {PATCH_SIZE} px, grey)",
        [{"@id": k} for k in key],
        fields,
    )


def _files_record_set() -> dict[str, Any]:
    """The image files themselves; `path` joins them to the images record set's `file`."""
    link = {"references": {"field": {"@id": "images/file"}}}
    return _record_set(
        "image_files",
        "the pixels of every image file, by its path in the export",
        {"@id": "image_files/path"},
        [
            _field("image_files", "path", "sc:Text", source=_file_property("fullpath"), **link),
            _field("image_files", "image", "sc:ImageObject", source=_file_property("content")),
        ],
    )


def _file_property(prop: str) -> dict[str, Any]:
    return {"fileSet": {"@id": "images"}, "extract": {"fileProperty": prop}}
