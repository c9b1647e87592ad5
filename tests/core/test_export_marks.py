"""Synthetic images say what they are in their own files (PNG tEXt, TIFF tags, DICOM attributes,
NPZ/HDF5 arrays) and real ones carry none of it; review sets stay blinded."""

from __future__ import annotations

import csv
import json
import struct
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image

from mammogan_core.control import Control
from mammogan_core.export import ExportSettings, export_dataset
from mammogan_core.runner import drive
from mammogan_core.workspace import Workspace

MARK_KEYS = {"Software", "Synthetic", "Synthetic-Run", "Synthetic-Checkpoint-SHA256"}


def export(ws_path: Path, out: Path, **settings) -> list[dict[str, str]]:
    """Export in this process; the manifest's rows."""
    with Workspace.open(ws_path) as ws:
        summary = drive(export_dataset(ws, ExportSettings(out=str(out), **settings), Control()))
    assert summary["status"] == "finished", summary
    with open(out / "manifest.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def png_chunks(data: bytes) -> list[bytes]:
    """The chunk types of a PNG file, in order."""
    types, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        types.append(data[at + 4 : at + 8])
        at += 12 + length
    return types


def test_every_synthetic_image_file_is_marked_and_no_real_one(demo_ws, tmp_path):
    rows = export(demo_ws, tmp_path / "png")
    synthetic = [r for r in rows if r["origin"] == "synthetic"]
    assert synthetic and len(synthetic) < len(rows)
    run, sha = synthetic[0]["run"], synthetic[0]["checkpoint_sha256"]
    assert run and len(sha) == 64
    for r in rows:
        path = tmp_path / "png" / r["file"]
        text = Image.open(path).text
        if r["origin"] == "synthetic":
            assert text["Synthetic"] == "true" and text["Software"].startswith("MammoGAN")
            assert (text["Synthetic-Run"], text["Synthetic-Checkpoint-SHA256"]) == (run, sha)
            assert text["Synthetic-Checkpoint"] == r["checkpoint"]
        else:  # not a single text chunk: nothing tells a real PNG from any other
            assert text == {}
            assert png_chunks(path.read_bytes()) == [b"IHDR", b"IDAT", b"IEND"]

    export(demo_ws, tmp_path / "tif", format="tiff")
    for r in rows:
        tif = Image.open(tmp_path / "tif" / r["file"].replace(".png", ".tif"))
        assert np.array_equal(np.asarray(tif), np.asarray(Image.open(tmp_path / "png" / r["file"])))
        if r["origin"] == "synthetic":
            fields = json.loads(tif.tag_v2[270])  # ImageDescription
            assert fields["Synthetic"] == "true" and fields["Synthetic-Run"] == run
            assert fields["Synthetic-Checkpoint-SHA256"] == sha
            assert tif.tag_v2[305] == fields["Software"]  # Software
        else:
            assert 270 not in tif.tag_v2 and 305 not in tif.tag_v2

    rows_dcm = export(demo_ws, tmp_path / "dcm", format="dicom")
    for r in rows_dcm:
        ds = pydicom.dcmread(tmp_path / "dcm" / r["file"])
        if r["origin"] == "synthetic":
            assert ds.ConversionType == "SYN" and ds.ImageType[2] == "SYNTHETIC"
            assert ds.SyntheticData == "YES"
            (eq,) = ds.ContributingEquipmentSequence
            assert eq.DeviceSerialNumber == sha and eq.Manufacturer == "MammoGAN"
            assert f"run={run};" in eq.ContributionDescription
            assert eq.PurposeOfReferenceCodeSequence[0].CodeValue == "109101"
        else:
            assert ds.ConversionType == "WSD" and "SYNTHETIC" not in ds.ImageType
            assert "SyntheticData" not in ds and "ContributingEquipmentSequence" not in ds


def test_array_exports_flag_every_image(demo_ws, tmp_path):
    arrays = {}
    rows = export(demo_ws, tmp_path / "npz", format="npz", split=("train", "val", "test"))
    with np.load(tmp_path / "npz" / "dataset.npz", allow_pickle=False) as data:
        arrays["npz"] = {k: data[k] for k in ("synthetic", "generator_run", "generator_sha256")}
    h5py = pytest.importorskip("h5py")
    export(demo_ws, tmp_path / "h5", format="hdf5", split=("train", "val", "test"))
    with h5py.File(tmp_path / "h5" / "dataset.h5", "r") as f:
        arrays["hdf5"] = {
            "synthetic": f["synthetic"][:],
            "generator_run": np.array([s.decode() for s in f["generator_run"][:]]),
            "generator_sha256": np.array([s.decode() for s in f["generator_sha256"][:]]),
        }
    for fmt, a in arrays.items():
        assert a["synthetic"].dtype == bool, fmt
        for r in rows:
            i, is_synthetic = int(r["index"]), r["origin"] == "synthetic"
            assert a["synthetic"][i] == is_synthetic == (r["synthetic"] == "true"), fmt
            assert (
                a["generator_run"][i] == r["run"]
                and a["generator_sha256"][i] == (r["checkpoint_sha256"])
            )
        assert a["synthetic"].any() and not a["synthetic"].all()


def test_an_export_without_synthetic_images_carries_no_mark(demo_ws, tmp_path):
    rows = export(demo_ws, tmp_path / "png", synthetic=0)
    assert all(r["synthetic"] == "false" for r in rows)
    for r in rows:
        assert Image.open(tmp_path / "png" / r["file"]).text == {}
    export(demo_ws, tmp_path / "npz", synthetic=0, format="npz")
    with np.load(tmp_path / "npz" / "dataset.npz", allow_pickle=False) as data:
        assert not data["synthetic"].any() and set(data["generator_run"]) == {""}


def test_a_review_set_shows_nothing_that_tells_synthetic_from_real(demo_ws):
    from mammogan_core.review.layout import KEY_JSON, PACKAGE, set_dir
    from mammogan_core.review.options import ReviewSetOptions
    from mammogan_core.review.sets import create_review_set

    with Workspace.open(demo_ws) as ws:
        result = drive(
            create_review_set(ws, ReviewSetOptions(real=2, synthetic=2, repeat=0), Control())
        )
        folder = set_dir(ws, result["set"])
        run = result["run"]
        sha = _sha256(ws.runs_dir / run / "checkpoints" / result["checkpoint"])
    key = json.loads((folder / KEY_JSON).read_text())
    truth = {image: entry["truth"] for image, entry in key["images"].items()}
    assert sorted(truth.values()) == ["real", "real", "synthetic", "synthetic"]
    package = folder / PACKAGE
    shapes = {}
    for image, what in truth.items():
        data = (package / "images" / f"{image}.png").read_bytes()
        # the same chunks and the same size for both: no tEXt, no Software, no run, no hash
        shapes.setdefault(what, set()).add((tuple(png_chunks(data)), len(data)))
        assert Image.open(package / "images" / f"{image}.png").text == {}
    assert shapes["real"] == shapes["synthetic"] and len(shapes["real"]) == 1
    # no file names the generator; no image holds a word of a mark (review.json's
    # instructions may say "synthetic": the same words for every image)
    for path in package.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            cues = [run.encode(), sha.encode(), b"Synthetic-", b"Software"]
            if path.suffix == ".png":
                cues += [b"ynthetic", b"MammoGAN", b"tEXt", b"iTXt", b"zTXt"]
            leaked = [cue for cue in cues if cue in data]
            assert not leaked, f"{path.name} holds {leaked}"


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
