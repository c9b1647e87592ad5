"""The loader snippets of docs/export.md, taken from the page and run on a real export: the
torch-only ones always; the torchvision and MONAI ones where the package imports (torchvision
does not import beside the torch build pinned here, so CI checks those statically: they parse,
and every name and keyword they use from the package is one its documentation lists)."""

from __future__ import annotations

import ast
import csv
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from mammogan_core.control import Control
from mammogan_core.export import ExportSettings, export_dataset
from mammogan_core.runner import drive
from mammogan_core.workspace import Workspace

DOC = Path(__file__).resolve().parents[2] / "docs" / "export.md"
SNIPPET = re.compile(r"<!-- snippet: ([\w-]+) -->\n```python\n(.*?)```", re.S)
# What the snippets may call, with the keywords they may pass, as the packages document them:
# torchvision's datasets.ImageFolder and transforms (Compose, Grayscale, ToTensor) pages, MONAI's
# monai.data (Dataset, DataLoader) and monai.transforms (LoadImaged, EnsureChannelFirstd,
# ScaleIntensityd; LoadImaged passes reverse_indexing on to PILReader) pages.
DOCUMENTED = {
    "torchvision.datasets.ImageFolder": {"root", "transform", "target_transform", "loader"},
    "torchvision.transforms.Compose": {"transforms"},
    "torchvision.transforms.Grayscale": {"num_output_channels"},
    "torchvision.transforms.ToTensor": set(),
    "monai.data.Dataset": {"data", "transform"},
    "monai.data.DataLoader": {"dataset", "batch_size", "shuffle", "num_workers"},
    "monai.transforms.Compose": {"transforms"},
    "monai.transforms.LoadImaged": {"keys", "reader", "image_only", "reverse_indexing"},
    "monai.transforms.EnsureChannelFirstd": {"keys", "channel_dim"},
    "monai.transforms.ScaleIntensityd": {"keys", "minv", "maxv"},
}
TORCH_ONLY = ("torch-imagefolder", "torch-npz")
OTHERS = {
    "torchvision-imagefolder": "torchvision",
    "monai-imagefolder": "monai",
    "monai-npz": "monai",
}


def snippets() -> dict[str, str]:
    return dict(SNIPPET.findall(DOC.read_text(encoding="utf-8")))


@pytest.fixture
def exports(demo_ws, tmp_path, monkeypatch):
    """`augmented` (ImageFolder) and `augmented-npz` in the working folder, as the page says."""
    with Workspace.open(demo_ws) as ws:
        for name, fmt in (("augmented", "imagefolder"), ("augmented-npz", "npz")):
            settings = ExportSettings(out=str(tmp_path / name), format=fmt)
            assert drive(export_dataset(ws, settings, Control()))["status"] == "finished"
    monkeypatch.chdir(tmp_path)
    with open(tmp_path / "augmented" / "manifest.csv", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["split"] == "train"]


def run_snippet(name: str) -> dict:
    namespace: dict = {}
    exec(compile(snippets()[name], f"{DOC.name}:{name}", "exec"), namespace)
    return namespace


def check_loader(loader, rows: list[dict[str, str]], *, with_flag: bool = True) -> None:
    """Every training image comes out once, 1 x 128 x 128 in [0, 1], with its label (and its
    synthetic flag)."""
    labels: Counter = Counter()
    flags: Counter = Counter()
    n = 0
    for batch in loader:
        if isinstance(batch, dict):  # MONAI
            x, y, s = batch["image"], batch["label"], batch["synthetic"]
        else:
            x, y, s = (*batch, None) if len(batch) == 2 else batch
        x = torch.as_tensor(x)
        assert x.shape[1:] == (1, 128, 128) and x.dtype == torch.float32
        assert float(x.min()) >= 0 and float(x.max()) <= 1
        labels.update(int(v) for v in y)
        if s is not None:
            flags.update(bool(v) for v in s)
        n += len(x)
    assert n == len(rows)
    assert labels == Counter(["lesion", "normal"].index(r["class"]) for r in rows)
    if with_flag:
        assert flags == Counter(r["synthetic"] == "true" for r in rows)
        assert flags[True] > 0  # the demo export has synthetic lesions: the flag is exercised


def test_the_page_has_every_snippet():
    assert set(snippets()) == {*TORCH_ONLY, *OTHERS}


def test_the_torch_only_snippets_load_the_exports(exports):
    rows = exports
    folder = run_snippet("torch-imagefolder")
    check_loader(folder["loader"], rows)
    x, label, synthetic = folder["dataset"][0]
    path, _ = folder["dataset"].samples[0]
    assert torch.equal(x[0] * 255, torch.from_numpy(np.asarray(Image.open(path), np.float32)))
    assert label == 0 and synthetic == (path.name.startswith("synthetic"))

    arrays = run_snippet("torch-npz")
    check_loader(arrays["loader"], rows)
    with np.load("augmented-npz/dataset.npz") as data:
        assert torch.equal(
            arrays["dataset"][0][0][0] * 255, torch.from_numpy(data["images"][0].astype(np.float32))
        )


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_the_torchvision_and_monai_snippets_use_only_documented_names(name):
    tree = ast.parse(snippets()[name])
    imported: dict[str, str] = {}  # local name -> full name
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module.split(".")[0] in (
            "torchvision",
            "monai",
        ):
            imported.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
    assert imported, "the snippet imports nothing from its package"
    used = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            full = _full_name(node.func, imported)
            if full is not None:
                used.append((full, {k.arg for k in node.keywords}))
    assert used
    for full, keywords in used:
        assert full in DOCUMENTED, f"{name}: {full} is not a documented name"
        assert keywords <= DOCUMENTED[full], f"{name}: {full}({keywords - DOCUMENTED[full]})"


def _full_name(func: ast.expr, imported: dict[str, str]) -> str | None:
    """`transforms.ToTensor` -> torchvision.transforms.ToTensor; None for other calls."""
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name) or func.id not in imported:
        return None
    return ".".join([imported[func.id], *reversed(parts)])


@pytest.mark.parametrize("name", sorted(OTHERS))
def test_the_torchvision_and_monai_snippets_load_the_exports(name, request):
    pytest.importorskip(OTHERS[name])  # before the exports are made
    rows = request.getfixturevalue("exports")
    check_loader(run_snippet(name)["loader"], rows, with_flag=name.startswith("monai"))
