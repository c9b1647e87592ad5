"""A conditional generator: trained on the lesions that have a type and a known pathology, its
checkpoint records the condition vocabulary, and `--condition` picks what it draws."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from mammogan_core.cli.main import run_cli
from mammogan_core.errors import InputError
from mammogan_core.models import build_models, condition_index, sample_classes
from mammogan_core.training import preset_config
from mammogan_core.training.devices import speed_plan
from mammogan_core.training.step import GanStep

from .test_train_cli import TRAIN, add_findings_with_pathology, json_tail

CPU = torch.device("cpu")


@pytest.mark.slow
def test_checkpoints_record_the_vocabulary_and_generate_takes_a_condition(
    workspace, tmp_path, capsys
) -> None:
    # 'unknown' pathology: no condition, so not trained on
    pathologies = ["benign"] * 10 + ["malignant"] * 2 + ["benign", "malignant"] + ["unknown"] * 2
    kinds = ["mass"] * 12 + ["calcification"] * 2 + ["mass"] * 2
    add_findings_with_pathology(workspace, pathologies, kinds)
    ws = str(workspace.root)
    args = [*TRAIN, "--workspace", ws, "--epochs", "1", "--batch-size", "4", "--conditional"]
    assert run_cli(args).exit_code == 0
    run = json_tail(capsys)["run"]
    info = json.loads((workspace.runs_dir / run / "config.json").read_text())
    vocabulary = [
        "calcification/benign",
        "calcification/malignant",
        "mass/benign",
        "mass/malignant",
    ]
    assert info["selection"]["count"] == 14 and info["selection"]["conditions"] == vocabulary
    ckpt = next((workspace.runs_dir / run / "checkpoints").glob("ckpt_*.pt"))
    payload = torch.load(ckpt, weights_only=True)  # plain types only
    assert payload["model"]["conditions"] == vocabulary

    def generate(*more: str) -> int:
        out = tmp_path / "out"
        return run_cli(
            ["generate", "--workspace", ws, "--run", run, "--out", str(out), "--n", "3",
             "--device", "cpu", "--json", "--quiet", "--overwrite", *more]
        ).exit_code  # fmt: skip

    assert generate("--condition", "mass/malignant") == 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["condition"] == "mass/malignant" and manifest["n"] == 3
    assert generate() == 0  # no condition: every condition in turn
    capsys.readouterr()
    assert generate("--condition", "mass/unknown") == 2
    err = capsys.readouterr().err
    assert "mass/unknown" in err and "mass/malignant" in err  # names what there is
    # evaluate: one row per condition, each against its own training patches
    evaluate = ["evaluate", "--workspace", ws, "--run", run, "--n", "10", "--device", "cpu"]
    assert run_cli([*evaluate, "--json", "--quiet"]).exit_code == 0
    rows = {r["condition"]: r for r in json_tail(capsys)["per_condition"]}
    assert list(rows) == vocabulary
    benign = rows["mass/benign"]
    assert benign["n_real"] == 10 and benign["metrics"]["kid"]["value"] is not None
    assert (
        benign["metrics"]["kid"]["floor"] is not None and len(benign["metrics"]["kid"]["ci"]) == 2
    )
    assert "skipped" in rows["mass/malignant"] and rows["mass/malignant"]["n_real"] == 2


def test_an_unconditional_generator_refuses_a_condition() -> None:
    g, _d, _spec = build_models("tiny")
    assert condition_index(g, None) is None and sample_classes(g, 0, 4, None, CPU) is None
    with pytest.raises(InputError, match="not conditional"):
        condition_index(g, "mass/malignant")


def test_without_a_condition_the_classes_come_in_turn() -> None:
    g, _d, _spec = build_models("tiny", conditions=("a/benign", "b/benign", "c/benign"))
    assert sample_classes(g, 4, 5, None, CPU).tolist() == [1, 2, 0, 1, 2]
    assert sample_classes(g, 0, 3, 2, CPU).tolist() == [2, 2, 2]


def test_the_seed_preset_trains_unconditionally() -> None:
    assert not preset_config("alyafi2020").conditional
    assert not preset_config("small-data").conditional


@pytest.mark.slow
def test_conditional_samples_follow_their_condition_on_a_toy_set() -> None:
    # two classes a glance tells apart: bright patches (210) and dark ones (40)
    gen = torch.Generator().manual_seed(0)
    labels = torch.arange(16) % 2
    base = torch.where(labels.view(-1, 1, 1, 1) == 0, 210.0, 40.0)
    data = (base + 10 * torch.randn(16, 1, 128, 128, generator=gen)).clamp(0, 255)
    cfg = preset_config(
        "tiny", batch_size=8, device="cpu", conditional=True, lr_g=2e-3, lr_d=2e-3,
        betas=(0.5, 0.999),
    )  # fmt: skip
    step = GanStep(
        cfg, data.to(torch.uint8), CPU, speed_plan(cfg, CPU), conditions=(labels, ("b/x", "d/x"))
    )
    z = torch.randn(32, step.spec.nz, 1, 1, generator=gen)

    def brightness(k: int) -> np.ndarray:
        step.G.eval()
        with torch.no_grad():
            out = step.G(z, torch.full((32,), k))
        step.G.train()
        return out.add(1).mul(127.5).flatten(1).mean(1).numpy()

    assert abs(brightness(0).mean() - brightness(1).mean()) < 1  # untrained: the same grey
    for _ in range(60):
        step(torch.tensor(1.0))
    bright, dark = brightness(0), brightness(1)
    # a CPU run: 135 vs 118 grey levels after 60 steps; each sample of the same noise too
    assert bright.mean() - dark.mean() > 8
    assert (bright > dark).mean() > 0.9
