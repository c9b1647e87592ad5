"""`mammogan patches`' index.csv names source images without where the dataset lies: public
datasets put patient ids into folder names, and the index leaves the workspace."""

from __future__ import annotations

import csv
from pathlib import Path

from mammogan_core.cli.main import run_cli
from mammogan_core.testing.catalogue import build_catalogue
from mammogan_core.workspace import Workspace

PATIENT = "Doe_Jane_19610402_MRN8812345"


def export(ws_dir: Path, out: Path) -> tuple[str, list[dict[str, str]]]:
    for args in (
        ["extract", "--workspace", str(ws_dir), "--workers", "0", "--normal-per-image", "2"],
        ["patches", "--workspace", str(ws_dir), "--out", str(out)],
    ):
        assert run_cli([*args, "--quiet"]).exit_code == 0
    text = (out / "index.csv").read_text()
    with open(out / "index.csv", newline="") as fh:
        return text, list(csv.DictReader(fh))


def test_index_names_images_relative_to_the_dataset_root(tmp_path: Path) -> None:
    data = tmp_path / "exports" / PATIENT / "mammo"
    with Workspace.create(tmp_path / "ws") as ws:
        build_catalogue(ws, data, 3, lesions_per_image=(1,))
    text, rows = export(tmp_path / "ws", tmp_path / "png")
    assert rows and PATIENT not in text and "MRN" not in text and str(tmp_path) not in text
    assert {r["source_image"] for r in rows} == {"img000.dcm", "img001.dcm", "img002.dcm"}


def test_image_outside_its_dataset_root_is_named_by_its_catalogue_id(tmp_path: Path) -> None:
    data = tmp_path / PATIENT
    with Workspace.create(tmp_path / "ws") as ws:
        ids = build_catalogue(ws, data, 2, lesions_per_image=(1,))
        # the image moved elsewhere after import (a catalogue edited by hand, a re-linked file)
        with ws.transaction() as conn:
            conn.execute(
                "UPDATE images SET path = ? WHERE id = ?",
                (str(tmp_path / "elsewhere" / PATIENT / "img001.dcm"), ids[1]),
            )
        (tmp_path / "elsewhere" / PATIENT).mkdir(parents=True)
        (data / "img001.dcm").rename(tmp_path / "elsewhere" / PATIENT / "img001.dcm")
    text, rows = export(tmp_path / "ws", tmp_path / "png")
    assert PATIENT not in text
    assert {r["source_image"] for r in rows} == {"img000.dcm", f"image-{ids[1]}"}
