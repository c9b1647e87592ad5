"""The patient-level split follows the data and the seed only: two fresh workspaces of the same
phantom corpus give every image the same split, and the patch listing carries it."""

from __future__ import annotations

import csv
from pathlib import Path

from mammogan_core.cli.main import run_cli
from mammogan_core.workspace import Workspace


def _splits(ws_dir: Path) -> dict[str, str]:
    with Workspace.open(ws_dir) as ws:
        return {r["image_key"]: r["split"] for r in ws.query("SELECT image_key, split FROM images")}


def _import_and_extract(corpus: Path, ws_dir: Path, seed: int = 0) -> dict[str, str]:
    args = ["--workspace", str(ws_dir), "--quiet"]
    assert run_cli(["import", str(corpus), "--format", "generic", *args]).exit_code == 0
    extract = ["extract", "--workers", "0", "--normal-per-image", "1", "--seed", str(seed)]
    assert run_cli([*extract, *args]).exit_code == 0
    return _splits(ws_dir)


def test_two_fresh_workspaces_of_the_same_data_get_the_same_split(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    assert run_cli(["phantom", "--out", str(corpus), "--n", "40", "--rows", "256",
                    "--cols", "200", "--quiet"]).exit_code == 0  # fmt: skip
    first = _import_and_extract(corpus, tmp_path / "ws1")
    second = _import_and_extract(corpus, tmp_path / "ws2")
    assert len(first) == 40 and first == second
    assert set(first.values()) == {"train", "val", "test"}
    with Workspace.open(tmp_path / "ws1") as a, Workspace.open(tmp_path / "ws2") as b:
        # the stored pseudonyms stay salted per workspace; only the split key is shared
        keys = "SELECT image_key, patient_key, split_key FROM images ORDER BY image_key"
        rows_a, rows_b = a.query(keys), b.query(keys)
        assert [r["split_key"] for r in rows_a] == [r["split_key"] for r in rows_b]
        assert all(r["split_key"] and len(r["split_key"]) == 16 for r in rows_a)
        assert rows_a[0]["patient_key"] != rows_b[0]["patient_key"]

    other_seed = _import_and_extract(corpus, tmp_path / "ws3", seed=1)
    assert other_seed != first  # the seed still matters

    out = tmp_path / "png"
    code = run_cli(["patches", "--workspace", str(tmp_path / "ws1"), "--out", str(out), "--quiet"])
    assert code.exit_code == 0
    with open(out / "index.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    with Workspace.open(tmp_path / "ws1") as ws:
        stored = {str(r["id"]): r["split"] for r in ws.query("SELECT id, split FROM patches")}
    assert rows and all(r["split"] == stored[r["patch_id"]] for r in rows)
