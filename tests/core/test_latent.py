"""The latent explorer's core: a real tiny CPU training run, then interpolations from it."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mammogan_core.control import Control
from mammogan_core.errors import InputError
from mammogan_core.events import Finished, SampleGrid
from mammogan_core.latent import (
    interpolate,
    interpolation_events,
    load_run_generator,
    random_latents,
    slerp,
    strip,
)
from mammogan_core.training import preset_config, train
from mammogan_core.workspace import Workspace


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    ws = Workspace.create(tmp_path_factory.mktemp("latent") / "ws")
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (32, 128, 128), dtype=np.uint8)
    ws.add_patches(pixels, [{"label": "lesion", "lesion_type": "mass", "split": "train"}] * 32)
    events = list(train(ws, preset_config("tiny", epochs=1), Control()))
    summary = events[-1].summary
    assert summary.status == "finished"
    yield ws, summary.run
    ws.close()


def test_random_latents_are_reproducible_from_the_seed():
    a, b, c = random_latents(32, 2, 7), random_latents(32, 2, 7), random_latents(32, 2, 8)
    assert a.shape == (2, 32, 1, 1)
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_slerp_keeps_the_ends_and_the_norm_of_gaussian_latents():
    z0, z1 = random_latents(512, 1, 1), random_latents(512, 1, 2)
    path = slerp(z0, z1, torch.linspace(0, 1, 5))
    assert path.shape == (5, 512, 1, 1)
    assert torch.allclose(path[0], z0[0], atol=1e-5) and torch.allclose(path[-1], z1[0], atol=1e-5)
    # the linear midpoint shrinks to about 1/sqrt(2) of the norm; slerp's stays in between
    lin_mid = ((z0 + z1) / 2).norm()
    assert path[2].norm() > lin_mid * 1.2
    assert min(z0.norm(), z1.norm()) * 0.95 < path[2].norm() < max(z0.norm(), z1.norm()) * 1.05


def test_interpolation_runs_from_both_ends_of_a_trained_generator(trained):
    ws, run = trained
    g, nz = load_run_generator(ws, run, "best")
    assert nz == 32 == g.nz
    z0, z1 = random_latents(nz, 1, 1), random_latents(nz, 1, 2)
    images = interpolate(g, z0, z1, 6)
    assert images.shape == (6, 128, 128) and images.dtype == np.uint8
    with torch.no_grad():
        end = ((g(z1) + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).numpy()[0, 0]
    assert np.array_equal(images[-1], end)
    linear = interpolate(g, z0, z1, 6, mode="linear")
    # both paths share their ends (a 2-step tiny model barely varies between them inside)
    assert np.array_equal(linear[0], images[0]) and np.array_equal(linear[-1], images[-1])


def test_bad_requests_are_input_errors(trained):
    ws, run = trained
    g, nz = load_run_generator(ws, run, "last")
    z = random_latents(nz, 2, 0)
    with pytest.raises(InputError, match="steps"):
        interpolate(g, z[0], z[1], 1)
    with pytest.raises(InputError, match="mode"):
        interpolate(g, z[0], z[1], 4, mode="cubic")
    with pytest.raises(InputError, match="no training run"):
        load_run_generator(ws, "no-such-run")


def test_interpolation_events_give_one_strip_and_a_summary(trained):
    ws, run = trained
    events = list(interpolation_events(ws, run, "last", 3, 4, 5, Control()))
    grid = next(e for e in events if isinstance(e, SampleGrid))
    assert grid.kind == "interpolation" and grid.image.shape == (128, 5 * 128)
    assert isinstance(events[-1], Finished)
    assert events[-1].summary["seeds"] == [3, 4] and events[-1].summary["steps"] == 5
    frames = np.stack(np.split(grid.image, 5, axis=1))
    assert np.array_equal(strip(frames), grid.image)
