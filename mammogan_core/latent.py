"""Latent-space exploration of a trained generator: load it, draw latents, interpolate.

Latents are drawn on the CPU from a seed (as `mammogan generate --seed` does), so a seed names
the same vector on any device, and seed S's first latent is the first sample `generate` writes.
Checkpoints load through `torch.load(weights_only=True)` only (training/generate.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch

from .control import Control
from .errors import InputError
from .events import Event, Finished, Log, SampleGrid
from .models import Generator, sample_classes
from .training.data import to_uint8
from .training.generate import generator_from_run
from .workspace import Workspace

MODES = ("slerp", "linear")
MAX_STEPS = 64


def load_run_generator(
    ws: Workspace, run_id: str, checkpoint: str = "best"
) -> tuple[Generator, int]:
    """The run's generator (eval mode, CPU) from checkpoint 'best' | 'last' | a step, and nz."""
    g, _info = generator_from_run(ws, run_id, checkpoint)
    return g, g.nz


def random_latents(nz: int, n: int, seed: int) -> torch.Tensor:
    """n latents z ~ N(0, 1), n x nz x 1 x 1 on the CPU, reproducible from `seed`."""
    return torch.randn(n, nz, 1, 1, generator=torch.Generator().manual_seed(int(seed)))


def slerp(z0: torch.Tensor, z1: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation (White 2016): the path stays where Gaussian latents have their
    mass, so midpoints do not shrink towards the origin as linear midpoints do."""
    a, b = z0.flatten(), z1.flatten()
    cos = torch.dot(a, b) / (a.norm() * b.norm()).clamp_min(1e-12)
    omega = torch.arccos(cos.clamp(-1.0, 1.0))
    t = t.view(-1, 1)
    if omega.abs() < 1e-6:  # (anti)parallel within rounding: linear is the same path
        out = (1 - t) * a + t * b
    else:
        s = torch.sin(omega)
        out = (torch.sin((1 - t) * omega) / s) * a + (torch.sin(t * omega) / s) * b
    return out.view(-1, *z0.shape[1:])


def interpolate(
    g: Generator, z0: torch.Tensor, z1: torch.Tensor, steps: int, mode: str = "slerp"
) -> np.ndarray:
    """`steps` images (uint8, steps x 128 x 128) from z0 to z1, both ends included."""
    if not 2 <= steps <= MAX_STEPS:
        raise InputError(f"steps must be between 2 and {MAX_STEPS} (got {steps})")
    if mode not in MODES:
        raise InputError(f"mode must be one of {', '.join(MODES)} (got {mode!r})")
    z0, z1 = z0.reshape(1, -1, 1, 1), z1.reshape(1, -1, 1, 1)
    t = torch.linspace(0.0, 1.0, steps)
    z = slerp(z0, z1, t) if mode == "slerp" else z0 + t.view(-1, 1, 1, 1) * (z1 - z0)
    device = next(g.parameters()).device
    # a conditional generator stays on its first condition: the path moves in z alone
    y = sample_classes(g, 0, steps, 0 if g.conditions else None, device)
    with torch.no_grad():
        images = g.eval()(z.to(device), y)
    return to_uint8(images).cpu().numpy()[:, 0]


def strip(images: np.ndarray) -> np.ndarray:
    """N x H x W -> one H x (N*W) row."""
    n, h, w = images.shape
    return np.ascontiguousarray(images.transpose(1, 0, 2).reshape(h, n * w))


def interpolation_events(
    ws: Workspace,
    run_id: str,
    checkpoint: str,
    seed_a: int,
    seed_b: int,
    steps: int,
    control: Control,
    mode: str = "slerp",
) -> Iterator[Event]:
    """The interpolation as an operation: SampleGrid(kind='interpolation', image=strip of
    `steps` 128 x 128 frames), then Finished({run, checkpoint, step, seeds, steps, mode})."""
    control.check()
    g, info = generator_from_run(ws, run_id, checkpoint)
    yield Log(f"latent explorer: {run_id} ({info['checkpoint']}, step {info['step']})")
    control.check()
    z0, z1 = random_latents(g.nz, 1, seed_a), random_latents(g.nz, 1, seed_b)
    images = interpolate(g, z0, z1, steps, mode)
    yield SampleGrid(info["step"], strip(images), "interpolation")
    yield Finished(
        {
            "run": run_id,
            "checkpoint": info["checkpoint"],
            "step": info["step"],
            "seeds": [int(seed_a), int(seed_b)],
            "steps": steps,
            "mode": mode,
        }
    )
