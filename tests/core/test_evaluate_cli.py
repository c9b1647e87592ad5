"""`mammogan evaluate` on a trained run and `mammogan metrics` between two folders: the --json
report, its figures, the stored provenance, the remembered Inception weights file, planted
copies named by file, and unreadable files reported while the rest goes on."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from mammogan_core.cli.main import run_cli
from mammogan_core.metrics.report import FIGURES
from mammogan_core.metrics.user_settings import INCEPTION_KEY, read_user_settings, settings_path

from .test_metrics import textures
from .test_metrics_inception import published_like_file
from .test_train import add_lesions

KEYS = {"metrics", "fid_note", "memorised", "warnings", "inception_weights"}
WEIGHTS_FREE = {"kid", "precision", "recall", "diversity", "radiomics_fd", "nn_accuracy"}
FIELDS = {"value", "ci", "floor", "floor_ci", "n_real", "n_synthetic", "features"}


def json_tail(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.fixture
def trained(workspace, capsys):
    add_lesions(workspace, 40)
    args = ["train", "--workspace", str(workspace.root), "--preset", "tiny", "--epochs", "1"]
    assert run_cli([*args, "--device", "cpu", "--json", "--quiet"]).exit_code == 0
    return workspace, json_tail(capsys)["run"]


def test_evaluate_a_run_without_inception_weights(trained, capsys) -> None:
    ws, run = trained
    argv = ["evaluate", "--workspace", str(ws.root), "--run", run, "--n", "24", "--json"]
    assert run_cli([*argv, "--device", "cpu"]).exit_code == 0
    out = json_tail(capsys)
    assert set(out) >= KEYS | {"report_dir", "n_real", "n_fake"}
    assert "fid" not in out["metrics"] and "--inception-weights FILE" in out["fid_note"]
    assert out["n_real"] == 40 and out["n_fake"] == 24
    assert set(out["metrics"]) == WEIGHTS_FREE
    for name, m in out["metrics"].items():
        assert set(m) >= FIELDS, name
        assert m["ci"][0] <= m["value"] <= m["ci"][1], name
        assert m["floor_ci"][0] <= m["floor"] <= m["floor_ci"][1], name
        assert m["n_real"] == m["n_synthetic"] == 20  # 40 real: 20 reference, 20 held out
    assert out["metrics"]["kid"]["features"] == "random-conv-v1"
    assert out["metrics"]["kid"]["label"] == "KID (×10³)"
    assert any("40 patches (fewer than 100)" in w for w in out["warnings"])
    report = ws.runs_dir / run / "evaluation" / "step000000003-n24-seed0"
    assert out["report_dir"] == str(report)
    for name in FIGURES:
        with Image.open(report / name) as figure:
            assert figure.size[0] > 0
    saved = json.loads((report / "report.json").read_text())
    assert saved["metrics"] == out["metrics"]
    assert any("not the published Fréchet Radiomics Distance" in n for n in saved["notes"])
    assert "Radiomics FD (38 scikit-image features)" in (report / "summary.txt").read_text()
    rows = ws.query(
        "SELECT name, value, step, details FROM metrics WHERE run_id=? AND details IS NOT NULL",
        (run,),
    )
    by_name = {r["name"]: r for r in rows}
    # stored unscaled (as training's checks store KID), shown x 10³
    assert by_name["kid"]["value"] * 1e3 == pytest.approx(out["metrics"]["kid"]["value"])
    assert by_name["kid"]["step"] == 3 and "fid" not in by_name
    details = json.loads(by_name["radiomics_fd"]["details"])
    assert details["n_real"] == 40 and details["n_fake"] == 24 and details["seed"] == 0
    assert details["feature_spaces"]["random"]["weights_sha256"]
    assert details["checkpoint"].endswith(".pt") and details["reference"]["ids_sha256"]
    # the reference set's features are cached for the next evaluation
    assert len(list((ws.root / "cache" / "metrics").glob("*.npy"))) == 2


def test_an_unknown_run_is_a_clear_input_error(trained, capsys) -> None:
    ws, _ = trained
    code = run_cli(["evaluate", "--workspace", str(ws.root), "--run", "nope", "--json"])
    assert code.exit_code == 2 and "no training run 'nope'" in json_tail(capsys)["error"]


def write_pngs(folder, images, prefix="img") -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i, img in enumerate(images):
        names.append(f"{prefix}_{i:03d}.png")
        Image.fromarray(img).save(folder / names[-1])
    return names


def test_metrics_between_folders_names_the_copied_files(tmp_path, capsys) -> None:
    real = textures(14, 1)
    fake = textures(12, 2)
    fake[4] = real[6]
    fake[7] = real[2][::-1, :]  # flipped up-down
    real_names = write_pngs(tmp_path / "real", real)
    fake_names = write_pngs(tmp_path / "fake", fake, "sample")
    (tmp_path / "fake" / "broken.png").write_bytes(b"not a png")
    weights = published_like_file(tmp_path / "pt_inception.pth")
    argv = ["metrics", str(tmp_path / "real"), str(tmp_path / "fake"), "--json", "--quiet"]
    assert run_cli([*argv, "--inception-weights", str(weights), "--device", "cpu"]).exit_code == 0
    out = json_tail(capsys)
    assert {m["file"] for m in out["memorised"]} == {fake_names[4], fake_names[7]}
    copied = {m["file"]: m for m in out["memorised"]}
    assert copied[fake_names[7]]["real_file"] == real_names[2]
    assert copied[fake_names[7]]["flip"] == "v"
    assert out["n_fake"] == 12  # the broken file was skipped, the rest measured
    assert isinstance(out["metrics"]["fid"]["value"], float) and out["fid_note"] is None
    assert out["feature_spaces"]["inception"]["extractor"] == "inception-v3-fid"
    # a file that is not the published one: every Inception figure says so, with its hash
    assert out["inception_weights"]["published"] is False
    sha = out["inception_weights"]["sha256"]
    for name in ("fid", "inception_kid", "inception_nn_accuracy"):
        assert f"custom weights (sha256 {sha[:16]}" in out["metrics"][name]["features"]
    assert any("custom weights" in w for w in out["warnings"])
    assert (tmp_path / "fake" / "evaluation" / "suspected_copies.png").is_file()
    # a flag never becomes the app's remembered setting
    assert not settings_path().exists() and INCEPTION_KEY not in read_user_settings()


def test_the_text_output_is_a_table_with_intervals_and_floors(tmp_path, capsys) -> None:
    write_pngs(tmp_path / "real", textures(24, 5))
    write_pngs(tmp_path / "fake", textures(12, 6))
    argv = ["metrics", str(tmp_path / "real"), str(tmp_path / "fake"), "--quiet"]
    assert run_cli([*argv, "--device", "cpu"]).exit_code == 0
    text = capsys.readouterr().out
    header = next(line for line in text.splitlines() if line.startswith("Figure"))
    assert "95% interval" in header and "Floor (real vs real)" in header
    kid = next(line for line in text.splitlines() if line.startswith("KID (×10³)"))
    assert "12 vs 12" in kid and kid.count("[") == 2
    assert "1-NN accuracy" in text and "24 patches (fewer than 100)" in text


def test_metrics_with_too_few_images_says_so(tmp_path, capsys) -> None:
    write_pngs(tmp_path / "real", textures(3, 3))
    write_pngs(tmp_path / "fake", textures(3, 4))
    code = run_cli(["metrics", str(tmp_path / "real"), str(tmp_path / "fake"), "--json"])
    assert code.exit_code == 2 and "at least 10 real" in json_tail(capsys)["error"]
