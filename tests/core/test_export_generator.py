"""`mammogan export-generator`: a plain state dict and config.json that a tool without mammogan
rebuilds and runs, and that `generate --weights` / `export --weights` load back."""

from __future__ import annotations

import csv
import hashlib
import json

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from mammogan_core.cli.main import run_cli
from mammogan_core.errors import InputError
from mammogan_core.training.generate import generator_from_file
from mammogan_core.workspace import Workspace


def run_of(ws_path) -> str:
    with Workspace.open(ws_path) as ws:
        (run,) = [r[0] for r in ws.query("SELECT id FROM runs")]
    return run


def cli(*argv: str) -> int:
    return run_cli([*argv, "--quiet"]).exit_code


@pytest.fixture
def package(demo_ws, tmp_path):
    run = run_of(demo_ws)
    out = tmp_path / "generator"
    assert (
        cli("export-generator", "--workspace", str(demo_ws), "--run", run, "--out", str(out)) == 0
    )
    return demo_ws, run, out


def rebuilt_without_mammogan(config: dict) -> nn.Module:
    """The generator as another tool builds it: from config.json's architecture alone."""
    arch, latent = config["architecture"], config["input"]["latent_size"]
    act = {"LeakyReLU(0.2)": lambda: nn.LeakyReLU(0.2), "ReLU": nn.ReLU}[arch["activation"]]
    layers: list[nn.Module] = []
    cin = latent
    for i, cout in enumerate(arch["channels"]):
        stride, pad = (1, 0) if i == 0 else (2, 1)
        layers += [nn.ConvTranspose2d(cin, cout, 4, stride, pad, bias=False)]
        layers += [nn.BatchNorm2d(cout), act()]
        cin = cout
    layers += [nn.ConvTranspose2d(cin, 1, 4, 2, 1, bias=False), nn.Tanh()]
    wrapper = nn.Module()
    wrapper.model = nn.Sequential(*layers)
    return wrapper


def test_the_package_is_a_plain_state_dict_another_tool_rebuilds(package):
    ws_path, run, out = package
    config = json.loads((out / "config.json").read_text())
    assert config["format"] == "mammogan-generator" and config["version"] == 1
    weights = out / "generator.pt"
    assert config["weights"]["sha256"] == hashlib.sha256(weights.read_bytes()).hexdigest()
    assert config["output"]["range"] == [-1.0, 1.0] and "127.5" in config["output"]["normalisation"]
    assert config["conditions"]["conditional"] is False
    assert config["source"]["run"] == run
    ckpt = ws_path / config["source"]["checkpoint"]
    assert config["source"]["checkpoint_sha256"] == hashlib.sha256(ckpt.read_bytes()).hexdigest()
    assert (out / "MODEL_CARD.md").read_text().startswith(f"# Model card: {run}")

    state = torch.load(weights, map_location="cpu", weights_only=True)
    assert isinstance(state, dict) and all(isinstance(v, torch.Tensor) for v in state.values())
    other = rebuilt_without_mammogan(config)
    other.load_state_dict(state, strict=True)
    ours, _ = generator_from_file(out)
    z = torch.randn(
        3, config["input"]["latent_size"], 1, 1, generator=torch.Generator().manual_seed(1)
    )
    with torch.no_grad():
        x = other.eval().model(z)
        assert torch.allclose(x, ours.eval()(z), atol=1e-6)
    assert x.shape == (3, *config["output"]["shape"]) and x.abs().max() <= 1


def test_generate_from_the_package_draws_the_runs_images(package, tmp_path):
    ws_path, run, out = package
    config = json.loads((out / "config.json").read_text())
    flags = ["--n", "4", "--seed", "3"]
    assert (
        cli(
            "generate",
            "--workspace",
            str(ws_path),
            "--run",
            run,
            *flags,
            "--out",
            str(tmp_path / "a"),
        )
        == 0
    )
    for source in (out, out / "generator.pt"):  # the folder, or its generator.pt
        b = tmp_path / f"b-{source.name}"
        assert cli("generate", "--weights", str(source), *flags, "--out", str(b)) == 0
        for i in range(4):
            name = f"sample_{i:05d}.png"
            assert np.array_equal(
                np.asarray(Image.open(tmp_path / "a" / name)), np.asarray(Image.open(b / name))
            )
            # generate's PNGs are marked as an export's are: by the run and the weights' hash
            text = Image.open(b / name).text
            assert text["Synthetic"] == "true" and text["Synthetic-Run"] == run
            assert text["Synthetic-Checkpoint-SHA256"] == config["weights"]["sha256"]
    by_run = Image.open(tmp_path / "a" / "sample_00000.png").text
    assert by_run["Synthetic-Checkpoint-SHA256"] == config["source"]["checkpoint_sha256"]


def test_an_export_with_the_package_as_weights_matches_the_run_and_names_it(package, tmp_path):
    ws_path, _, out = package
    common = ["export", "--workspace", str(ws_path), "--synthetic", "3", "--no-flip"]
    assert cli(*common, "--out", str(tmp_path / "run")) == 0
    assert cli(*common, "--weights", str(out), "--out", str(tmp_path / "pkg")) == 0

    def synthetic(folder):
        with open(folder / "manifest.csv", newline="") as fh:
            return [r for r in csv.DictReader(fh) if r["origin"] == "synthetic"]

    by_run, by_package = synthetic(tmp_path / "run"), synthetic(tmp_path / "pkg")
    assert len(by_package) == 3
    config = json.loads((out / "config.json").read_text())
    assert {r["checkpoint_sha256"] for r in by_package} == {config["weights"]["sha256"]}
    assert {r["checkpoint"] for r in by_package} == {"generator.pt"}
    assert {r["run"] for r in by_package} == {config["source"]["run"]}
    for a, b in zip(by_run, by_package):
        pixels = [
            np.asarray(Image.open(f / r["file"]))
            for f, r in ((tmp_path / "run", a), (tmp_path / "pkg", b))
        ]
        assert np.array_equal(*pixels)


def test_a_changed_or_incomplete_package_is_refused(package, tmp_path):
    _, _, out = package
    data = bytearray((out / "generator.pt").read_bytes())
    data[-100] ^= 0xFF
    (out / "generator.pt").write_bytes(bytes(data))
    with pytest.raises(InputError, match="does not match the sha256"):
        generator_from_file(out)
    (out / "config.json").unlink()
    with pytest.raises(InputError, match="not an exported generator"):
        generator_from_file(out)
    assert (
        cli("export-generator", "--workspace", str(package[0]), "--out", str(tmp_path / "x")) == 2
    )
