"""`mammogan export` on a real demo workspace (phantom DICOMs, a trained run): every format read
back, counts against the manifest, the phantoms' identities searched in every exported byte,
a kill mid-export, a stop, and two exports compared byte for byte."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image

from mammogan_core.cli.main import run_cli
from mammogan_core.control import Control
from mammogan_core.events import Finished, Progress
from mammogan_core.export import ExportSettings, export_dataset, plan_export
from mammogan_core.training.runs import stored_train_config
from mammogan_core.workspace import Workspace

# torchvision.datasets.folder.IMG_EXTENSIONS (torchvision does not load against the CPU torch
# here, so its rules are followed by hand)
IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")
IDENTIFYING = (
    "PatientName",
    "PatientID",
    "PatientBirthDate",
    "StudyDate",
    "AccessionNumber",
    "InstitutionName",
    "ReferringPhysicianName",
    "StudyInstanceUID",
    "SeriesInstanceUID",
    "SOPInstanceUID",
)


@pytest.fixture
def ws_path(demo_ws: Path) -> Path:
    return demo_ws


def export(ws_path: Path, out: Path, *flags: str) -> dict:
    code, summary = _cli(ws_path, out, *flags)
    assert code == 0, summary
    return summary


def _cli(ws_path: Path, out: Path, *flags: str) -> tuple[int, dict]:
    command = ["export", "--workspace", str(ws_path), "--out", str(out), "--json", "--quiet"]
    proc = subprocess.run(
        [sys.executable, "-m", "mammogan_core", *command, *flags],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return proc.returncode, json.loads(proc.stdout.strip().splitlines()[-1])


def manifest(out: Path) -> list[dict[str, str]]:
    with open(out / "manifest.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def image_folder(root: Path) -> tuple[list[str], list[tuple[Path, int]]]:
    """torchvision.datasets.ImageFolder's find_classes + make_dataset."""
    classes = sorted(e.name for e in os.scandir(root) if e.is_dir())
    samples = []
    for index, name in enumerate(classes):
        for folder, _dirs, names in sorted(os.walk(root / name, followlinks=True)):
            for fname in sorted(names):
                if fname.lower().endswith(IMG_EXTENSIONS):
                    samples.append((Path(folder) / fname, index))
    return classes, samples


def tally(rows: list[dict[str, str]]) -> dict:
    counts: dict = {}
    for (split, label, origin), n in Counter(
        (r["split"], r["class"], r["origin"]) for r in rows
    ).items():
        counts.setdefault(split, {}).setdefault(label, {})[origin] = n
    return counts


def test_one_click_imagefolder_reads_back_with_torchvisions_rules(ws_path, tmp_path):
    out = tmp_path / "augmented"
    summary = export(ws_path, out)  # every default: the one-click export
    rows = manifest(out)
    assert summary["status"] == "finished" and summary["out"] == str(out)
    assert summary["manifest"] == str(out / "manifest.csv")
    assert summary["counts"] == tally(rows)
    assert summary["images"] == len(rows)
    assert summary["files"] == len(rows) + 4  # manifest, export.json and the two cards
    train = summary["counts"]["train"]
    assert set(summary["counts"]) == {"train"}
    real_lesions = train["lesion"]["real"]
    assert train["lesion"]["synthetic"] == round(1.5 * real_lesions) > 0
    assert train["lesion"]["flipped"] == real_lesions
    assert train["normal"]["flipped"] == train["normal"]["real"] > 0

    classes, samples = image_folder(out / "train")
    assert classes == ["lesion", "normal"]
    assert len(samples) == len(rows)
    by_file = {r["file"]: r for r in rows}
    for path, target in samples:
        row = by_file[path.relative_to(out).as_posix()]
        assert classes[target] == row["class"]
        pixels = np.asarray(Image.open(path))
        assert pixels.shape == (128, 128) and pixels.dtype == np.uint8

    with Workspace.open(ws_path) as ws:
        some = next(r for r in rows if r["origin"] == "real" and r["class"] == "lesion")
        stored = ws.patch_pixels([int(some["patch_id"])])[0]
        patient = ws.query(
            "SELECT i.patient_key FROM patches p JOIN images i ON i.id = p.image_id WHERE p.id = ?",
            (int(some["patch_id"]),),
        )[0][0]
        assert ws.query("SELECT COUNT(*) FROM exports")[0][0] == 1
    assert some["source_key"] == patient
    assert np.array_equal(np.asarray(Image.open(out / some["file"])), stored)
    flipped = out / some["file"].replace("real_", "flipped_")
    assert np.array_equal(np.asarray(Image.open(flipped)), stored[:, ::-1])
    record = json.loads((out / "export.json").read_text())
    assert record["counts"] == summary["counts"] and record["settings"]["format"] == "imagefolder"


def test_synthetic_lesions_are_generates_samples_with_their_provenance(ws_path, tmp_path):
    out = tmp_path / "x"
    export(ws_path, out, "--synthetic", "5", "--seed", "7", "--no-flip")
    rows = [r for r in manifest(out) if r["origin"] == "synthetic"]
    assert [int(r["latent_index"]) for r in rows] == list(range(5))
    run = rows[0]["run"]
    assert run and all(r["seed"] == "7" and r["split"] == "train" for r in rows)
    ckpt = ws_path / rows[0]["checkpoint"]
    assert rows[0]["checkpoint_sha256"] == hashlib.sha256(ckpt.read_bytes()).hexdigest()
    # the preset recorded is the one the run trained with, never the weights-file setting
    record = json.loads((out / "export.json").read_text())
    with Workspace.open(ws_path) as ws:
        trained = stored_train_config(ws, run).preset
    assert record["generator"]["preset"] == trained != "alyafi2020"
    assert "preset" not in record["settings"]
    gen = tmp_path / "gen"
    flags = ["--run", run, "--n", "5", "--seed", "7", "--out", str(gen), "--quiet"]
    code = run_cli(["generate", "--workspace", str(ws_path), *flags]).exit_code
    assert code == 0
    for r in rows:  # latent index i of seed S is sample i of `mammogan generate --seed S`
        made = np.asarray(Image.open(gen / f"sample_{int(r['latent_index']):05d}.png"))
        assert np.array_equal(np.asarray(Image.open(out / r["file"])), made)


def test_npz_hdf5_and_dicom_read_back_and_match_the_manifest(ws_path, tmp_path):
    exported = {}
    for fmt in ("npz", "dicom"):
        out = tmp_path / fmt
        summary = export(ws_path, out, "--format", fmt, "--split", "train,val,test")
        rows = manifest(out)
        assert summary["counts"] == tally(rows)
        assert {r["origin"] for r in rows if r["split"] != "train"} <= {"real"}
        exported[fmt] = (out, rows)

    out, rows = exported["npz"]
    with np.load(out / "dataset.npz", allow_pickle=False) as data:
        images, labels = data["images"], data["labels"]
        names, origin, split = list(data["class_names"]), data["origin"], data["split"]
    assert images.shape == (len(rows), 128, 128) and images.dtype == np.uint8
    assert names == ["lesion", "normal"]
    for r in rows:
        i = int(r["index"])
        assert (names[labels[i]], origin[i], split[i]) == (r["class"], r["origin"], r["split"])

    outd, rowsd = exported["dicom"]
    for r in rowsd:
        ds = pydicom.dcmread(outd / r["file"])
        assert ds.SOPClassUID == pydicom.uid.SecondaryCaptureImageStorage
        assert list(ds.ImageType)[:2] == ["DERIVED", "SECONDARY"]
        assert ds.PatientIdentityRemoved == "YES" and ds.BurnedInAnnotation == "NO"
        assert ("SYNTHETIC" in ds.ImageComments) == (r["origin"] == "synthetic")
        assert ds.ConversionType == ("SYN" if r["origin"] == "synthetic" else "WSD")
        same = next(
            x
            for x in rows
            if (x["origin"], x["patch_id"], x["latent_index"])
            == (r["origin"], r["patch_id"], r["latent_index"])
        )
        assert np.array_equal(ds.pixel_array, images[int(same["index"])])
    assert len({pydicom.dcmread(outd / r["file"]).SOPInstanceUID for r in rowsd}) == len(rowsd)

    h5py = pytest.importorskip("h5py")  # the `export` extra; the headless CI pass lacks it
    out5 = tmp_path / "hdf5"
    summary5 = export(ws_path, out5, "--format", "hdf5", "--split", "train,val,test")
    rows5 = manifest(out5)
    assert summary5["counts"] == tally(rows5)
    assert [{**r, "file": ""} for r in rows5] == [{**r, "file": ""} for r in rows]
    with h5py.File(out5 / "dataset.h5", "r") as f:
        assert np.array_equal(f["images"][:], images)
        assert np.array_equal(f["labels"][:], labels)
        assert [s.decode() for s in f["origin"][:]] == list(origin)


def source_identities(ws_path: Path) -> set[str]:
    values: set[str] = set()
    with Workspace.open(ws_path) as ws:
        paths = [ws.resolve(r[0]) for r in ws.query("SELECT path FROM images")]
    for path in paths:
        ds = pydicom.dcmread(path, stop_before_pixels=True)
        for keyword in IDENTIFYING:
            value = str(ds.get(keyword, "") or "")
            values.add(value)
            values.update(part for part in value.split("^") if len(part) >= 4)
        values.add(path.name)
    values.discard("")
    return values


def test_no_exported_byte_holds_a_phantom_identity(ws_path, tmp_path):
    identities = source_identities(ws_path)
    kinds = {k for k in IDENTIFYING}
    assert len(identities) >= len(kinds)  # names, ids, dates, institution, UIDs were found
    for fmt in ("imagefolder", "npz", "hdf5", "dicom"):
        if fmt == "hdf5":
            pytest.importorskip("h5py")
        out = tmp_path / fmt
        export(ws_path, out, "--format", fmt, "--split", "train,val,test")
        for path in out.rglob("*"):
            if not path.is_file():
                continue
            data = path.read_bytes() + path.relative_to(out).as_posix().encode()
            leaked = [v for v in identities if v.encode() in data]
            assert not leaked, f"{path.relative_to(out)} holds {leaked}"


def test_a_re_export_is_byte_identical(ws_path, tmp_path):
    for fmt in ("imagefolder", "tiff", "dicom", "npz"):  # the cards too
        a, b = tmp_path / f"{fmt}-a", tmp_path / f"{fmt}-b"
        export(ws_path, a, "--format", fmt)
        export(ws_path, b, "--format", fmt)
        files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
        assert files_a == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
        for rel in files_a:
            assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


KILLER = """
import os, signal, sys
from mammogan_core.control import Control
from mammogan_core.events import Progress
from mammogan_core.export import ExportSettings, export_dataset, pipeline
from mammogan_core.workspace import Workspace

pipeline.CHUNK = 8  # several steps, so that the kill falls in the middle
ws = Workspace.open(sys.argv[1])
settings = ExportSettings(out=sys.argv[2], overwrite=True, format=sys.argv[3])
for ev in export_dataset(ws, settings, Control()):
    if isinstance(ev, Progress) and ev.done >= 16:
        os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["imagefolder", "npz"])
def test_a_kill_mid_export_leaves_no_half_export_and_keeps_the_earlier_one(ws_path, tmp_path, fmt):
    out = tmp_path / "augmented"
    proc = subprocess.run([sys.executable, "-c", KILLER, str(ws_path), str(out), fmt], timeout=300)
    assert proc.returncode == -9
    assert not out.exists()  # nothing under the target's name
    assert (tmp_path / ".augmented.partial").is_dir()  # the staging folder it was writing
    first = export(ws_path, out, "--format", fmt)
    assert not (tmp_path / ".augmented.partial").exists()
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    proc = subprocess.run([sys.executable, "-c", KILLER, str(ws_path), str(out), fmt], timeout=300)
    assert proc.returncode == -9
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert first["images"] == len(manifest(out))


def test_a_stop_removes_the_unfinished_export(ws_path, tmp_path, monkeypatch):
    from mammogan_core.export import pipeline

    monkeypatch.setattr(pipeline, "CHUNK", 8)
    out = tmp_path / "augmented"
    control = Control()
    events = []
    with Workspace.open(ws_path) as ws:
        for ev in export_dataset(ws, ExportSettings(out=str(out)), control):
            events.append(ev)
            if isinstance(ev, Progress):
                control.stop()
    result = events[-1].summary
    assert isinstance(events[-1], Finished) and result.status == "stopped"
    assert result.images == 0 and result.to_dict()["out"] == str(out)
    assert not out.exists() and not list(tmp_path.glob(".augmented*"))


def test_bad_requests_exit_2_with_the_reason(ws_path, tmp_path, capsys):
    full = tmp_path / "full"
    full.mkdir()
    (full / "notes.txt").write_text("mine")
    cases = [
        (["--out", str(full)], "not empty"),
        (["--out", str(full), "--overwrite"], "no export.json"),
        (["--out", str(tmp_path / "a"), "--split", "val", "--synthetic", "3"], "training split"),
        (["--out", str(tmp_path / "b"), "--classes", "normal", "--synthetic", "3"], "lesions"),
        (["--out", str(tmp_path / "c"), "--bits", "16"], "16-bit"),
        (["--out", str(tmp_path / "d"), "--run", "nope"], "no training run 'nope'"),
        ([], "choose the export folder (--out)"),
    ]
    for flags, reason in cases:
        code = run_cli(["export", "--workspace", str(ws_path), *flags]).exit_code
        assert code == 2, flags
        assert reason in capsys.readouterr().err, flags
    assert (full / "notes.txt").read_text() == "mine"
    assert not any((tmp_path / n).exists() for n in "abcd")


def test_hdf5_without_h5py_says_how_to_get_it(ws_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "h5py", None)
    code = run_cli(
        ["export", "--workspace", str(ws_path), "--out", str(tmp_path / "h"), "--format", "hdf5"]
    ).exit_code
    assert code == 2
    assert "pip install 'mammogan[export]'" in capsys.readouterr().err


def test_the_plan_previews_what_the_export_writes(ws_path, tmp_path):
    with Workspace.open(ws_path) as ws:
        settings = ExportSettings(out=str(tmp_path / "p"), split=("train", "test"))
        plan = plan_export(ws, settings)
        assert plan.source is not None and plan.source.run
        events = list(export_dataset(ws, settings, Control()))
    assert events[-1].summary.counts == plan.counts()
    assert all(it.split == "train" for it in plan.items if it.origin != "real")
