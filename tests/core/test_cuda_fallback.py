"""A CUDA build of torch on a machine without a usable GPU (no driver) trains on the CPU and
says so, instead of failing or staying silent."""

from __future__ import annotations

import torch

from mammogan_core.training.config import TrainConfig
from mammogan_core.training.devices import resolve_device, speed_plan


def test_a_cuda_torch_without_a_gpu_falls_back_to_the_cpu_with_a_note(monkeypatch) -> None:
    monkeypatch.setattr(torch.version, "cuda", "12.4")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    device = resolve_device("auto")
    assert device.type == "cpu"
    notes = speed_plan(TrainConfig(device="auto"), device).notes
    assert any("CUDA 12.4" in n and "training on the CPU" in n for n in notes), notes
    # asked for the CPU: nothing to explain
    assert not any("CUDA" in n for n in speed_plan(TrainConfig(device="cpu"), device).notes)
