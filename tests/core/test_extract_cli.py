"""`mammogan extract` and `mammogan patches` from the command line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mammogan_core.cli.main import run_cli
from mammogan_core.testing.catalogue import build_catalogue
from mammogan_core.workspace import Workspace


@pytest.fixture
def ws_dir(tmp_path: Path) -> Path:
    with Workspace.create(tmp_path / "ws") as ws:
        build_catalogue(ws, tmp_path / "data", 4, lesions_per_image=(1, 2))
    return tmp_path / "ws"


def last_json(capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_extract_then_patches_writes_pngs_and_index(ws_dir: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code = run_cli(
        [
            "extract",
            "--workspace",
            str(ws_dir),
            "--workers",
            "0",
            "--normal-per-image",
            "3",
            "--normalise",
            "percentile",
            "--json",
        ]
    ).exit_code
    summary = last_json(capsys)
    assert code == 0 and summary["images_done"] == 4 and summary["lesion_patches"] == 6
    assert summary["normal_patches"] <= 12 and summary["errors"] == []

    out = tmp_path / "png"
    assert (
        run_cli(["patches", "--workspace", str(ws_dir), "--out", str(out), "--json"]).exit_code == 0
    )
    assert last_json(capsys)["patches"] == 6 + summary["normal_patches"]
    with open(out / "index.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [
        "patch_id",
        "label",
        "split",
        "lesion_type",
        "label_raw",
        "source_image",
        "x0",
        "y0",
        "x1",
        "y1",
    ]
    lesions = [r for r in rows if r["label"] == "lesion"]
    assert {(r["lesion_type"], r["label_raw"]) for r in lesions} == {
        ("mass", "CIRC"),
        ("calcification", "CALC"),
    }
    normals = [r for r in rows if r["label"] == "normal"]
    assert {(r["lesion_type"], r["label_raw"]) for r in normals} == {("", "")}
    assert all(r["source_image"].endswith(".dcm") for r in rows)
    assert {r["split"] for r in rows} <= {"train", "val", "test"}
    assert sorted(p.name for p in out.glob("*.png")) == sorted(f"{r['patch_id']}.png" for r in rows)
    with Workspace.open(ws_dir) as ws:
        ids = [int(r["patch_id"]) for r in rows]
        want = ws.patch_pixels(ids)
        boxes = {r[0]: tuple(r)[1:] for r in ws.query("SELECT id, x0, y0, x1, y1 FROM patches")}
    for r, pixels in zip(rows, want):
        assert np.array_equal(np.asarray(Image.open(out / f"{r['patch_id']}.png")), pixels)
        assert tuple(int(r[k]) for k in ("x0", "y0", "x1", "y1")) == boxes[int(r["patch_id"])]

    lesions = tmp_path / "lesions"
    run_cli(
        [
            "patches",
            "--workspace",
            str(ws_dir),
            "--out",
            str(lesions),
            "--label",
            "lesion",
            "--limit",
            "2",
            "--json",
        ]
    )
    assert last_json(capsys)["patches"] == 2 and len(list(lesions.glob("*.png"))) == 2


@pytest.mark.parametrize(
    "args",
    [
        ["--shard", "2/2"],
        ["--shard", "x"],
        ["--scale", "fixed"],
        ["--lesion-types", "tumour"],
        ["--workers", "-1"],
    ],
)
def test_extract_bad_arguments_exit_2(ws_dir: Path, args: list[str], capsys) -> None:  # type: ignore[no-untyped-def]
    try:
        code = run_cli(["extract", "--workspace", str(ws_dir), *args]).exit_code
    except SystemExit as exc:  # argparse rejects a value that breaks its setting itself
        code = int(exc.code)
    assert code == 2
    assert "error" in capsys.readouterr().err


def test_extract_needs_a_workspace(tmp_path: Path) -> None:
    assert run_cli(["extract", "--workspace", str(tmp_path / "none")]).exit_code == 2
    assert (
        run_cli(
            ["patches", "--workspace", str(tmp_path / "none"), "--out", str(tmp_path)]
        ).exit_code
        == 2
    )
