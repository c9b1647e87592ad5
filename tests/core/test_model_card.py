"""runs/RUN/MODEL_CARD.md: written at the end of training, refreshed by `mammogan evaluate`, both
report shapes (with and without intervals) rendered, the training time summed from the record."""

from __future__ import annotations

import json

import pytest

from mammogan_core.cli.main import run_cli
from mammogan_core.training.model_card import MODEL_CARD, training_seconds, write_model_card

from . import test_evaluate_cli
from .test_evaluate_cli import json_tail

trained = test_evaluate_cli.trained  # the fixture: a tiny run of 40 lesions, one epoch


def section(card: str, title: str) -> str:
    return card.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0].strip()


@pytest.mark.slow  # trains and evaluates (about 50 s on 2 cores)
def test_training_writes_the_card_and_evaluate_refreshes_it(trained, capsys):
    ws, run = trained
    card = (ws.runs_dir / run / MODEL_CARD).read_text()
    assert card.startswith(f"# Model card: {run}\n")
    data = section(card, "Training data")
    assert "- 40 lesion patches from split train" in data and "mass 40" in data
    assert "Patients: 0" in data  # add_lesions' patches have no source image
    training = section(card, "Training")
    assert "Preset `tiny`; status finished at step 3 of 3" in training
    assert "s of computing" in training and "batch_size 16" in training
    assert "Not evaluated yet" in section(card, "Evaluation")
    assert "(x + 1) * 127.5" in section(card, "Model") and "latent size 32" in card

    argv = ["evaluate", "--workspace", str(ws.root), "--run", run, "--n", "24", "--json"]
    assert run_cli([*argv, "--device", "cpu"]).exit_code == 0
    out = json_tail(capsys)
    card = (ws.runs_dir / run / MODEL_CARD).read_text()
    evaluation = section(card, "Evaluation")
    assert "24 synthetic against 40 real" in evaluation
    kid = out["metrics"]["kid"]  # shown x 10³ with its interval and floor, as the CLI shows it
    row = next(ln for ln in evaluation.splitlines() if ln.startswith("| KID (×10³) |"))
    assert f"| {kid['value'] * 1e3:.4g} | {kid['ci'][0] * 1e3:.4g} to " in row
    assert f"| {kid['floor'] * 1e3:.4g} |" in row
    assert f"| {kid['n_real']} | {kid['n_synthetic']} | lower is better" in row
    assert "no intervals" not in evaluation
    memo = section(card, "Memorisation")
    assert memo.startswith(f"{len(out['memorised'])} of 24 synthetic patches")


def test_the_intervals_shape_is_rendered_and_a_damaged_report_passed_over(demo_ws):
    from mammogan_core.workspace import Workspace

    with Workspace.open(demo_ws) as ws:
        (run,) = [r[0] for r in ws.query("SELECT id FROM runs")]
        card = _planted_reports_card(ws, run)
    lines = section(card, "Evaluation").splitlines()
    kid = "| KID (×10³) | 12.3 | 10 to 15 | 2 | 1 to 3 | 40 | 24 | lower is better |"
    assert kid in lines
    assert "| Precision | 0.5 | - | - | - | 40 | 24 | higher is better |" in lines
    assert "step000000099" in section(card, "Evaluation")
    assert section(card, "Memorisation").startswith("1 of 24 synthetic patches")
    assert not [p for p in (demo_ws / "runs" / run).iterdir() if p.name.startswith(".")]


def _planted_reports_card(ws, run: str) -> str:
    """A report of the intervals shape, and a newer one that cannot be read."""
    evaluation = ws.runs_dir / run / "evaluation"
    newer = evaluation / "step000000099-n24-seed0"
    newer.mkdir(parents=True)
    metrics = {
        "kid": {"value": 0.0123, "ci": [0.01, 0.015], "floor": 0.002, "floor_ci": [0.001, 0.003]},
        "precision": {"value": 0.5, "ci": None, "floor": None, "floor_ci": None},
    }
    for m in metrics.values():
        m.update(n_real=40, n_synthetic=24)
    report = {"metrics": metrics, "n_real": 40, "n_fake": 24, "memorised": [{"index": 3}]}
    report["source"] = {"run": run, "checkpoint": "ckpt.pt", "step": 99}
    (newer / "report.json").write_text(json.dumps(report))
    damaged = evaluation / "step000000100-n24-seed0"  # the newest, but unreadable
    damaged.mkdir()
    (damaged / "report.json").write_text("{not json")

    return write_model_card(ws, run).read_text()


def test_training_time_is_each_windows_images_over_its_rate(workspace):
    ws = workspace
    with ws.transaction() as conn:
        conn.execute(
            "INSERT INTO runs(id, kind, status, config, created_at, updated_at, step) "
            "VALUES ('r', 'train', 'finished', '{}', 'now', 'now', 20)"
        )
        rows = [("r", "images_per_s", 100.0, 10), ("r", "images_per_s", 50.0, 20)]
        rows += [("r", "loss_d", 7.0, 10)]  # another metric: not a rate
        conn.executemany("INSERT INTO metrics(run_id, name, value, step) VALUES (?,?,?,?)", rows)
    # 10 steps x 8 images at 100/s, then 10 x 8 at 50/s
    assert training_seconds(ws, "r", 8, 1) == pytest.approx(0.8 + 1.6)
    assert training_seconds(ws, "r", 8, 2) == pytest.approx(2 * 2.4)
    assert training_seconds(ws, "other", 8, 1) is None
