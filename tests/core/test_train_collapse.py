"""The collapse check on generated samples: flat or identical images and a checkerboard are
flagged, real-looking varied ones and clean texture are not."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mammogan_core.models import build_models
from mammogan_core.phantom.texture import power_law_noise
from mammogan_core.training.collapse import (
    DIVERSITY_FLOOR,
    PERIODIC_CEILING,
    STD_FLOOR,
    collapse_reason,
    periodic_ratio,
)

from .test_train import add_lesions, run_all, tiny


def as_samples(u8: torch.Tensor) -> torch.Tensor:
    return u8.float().div(127.5).sub(1.0)


def test_constant_images_are_collapsed() -> None:
    reason = collapse_reason(torch.full((16, 1, 128, 128), 0.1))
    assert reason is not None and "near-constant" in reason and f"floor {STD_FLOOR:g}" in reason


def test_one_image_repeated_is_collapsed() -> None:
    one = as_samples(
        torch.randint(0, 256, (1, 1, 128, 128), generator=torch.Generator().manual_seed(0))
    )
    noisy = one.repeat(16, 1, 1, 1) + 0.001 * torch.randn(16, 1, 128, 128)  # below a grey level
    reason = collapse_reason(noisy)
    assert reason is not None and "near-identical" in reason
    assert f"floor {DIVERSITY_FLOOR:g}" in reason


def test_varied_lesion_like_images_are_not(workspace) -> None:
    add_lesions(workspace, 16)
    ids = [r[0] for r in workspace.query("SELECT id FROM patches")]
    real = torch.from_numpy(workspace.patch_pixels(ids)).unsqueeze(1)
    assert collapse_reason(as_samples(real)) is None


def tissue(n: int = 16, beta: float = 3.0, seed: int = 0) -> torch.Tensor:
    """Phantom tissue texture (power-law noise, the phantom's) with film grain, in [-1, 1]."""
    rng = np.random.default_rng(seed)
    fields = [power_law_noise(rng, (128, 128), beta) * 0.3 for _ in range(n)]
    grain = rng.normal(0, 4 / 127.5, (n, 128, 128))
    return torch.from_numpy(np.stack(fields) + grain).float().unsqueeze(1).clamp(-1, 1)


def checkerboard(amplitude: float, period: int = 2) -> torch.Tensor:
    """+/- `amplitude` grey levels in squares of `period` / 2 pixels."""
    idx = torch.arange(128) // max(1, period // 2)
    return ((idx.view(-1, 1) + idx.view(1, -1)) % 2 * 2 - 1).float() * amplitude / 127.5


@pytest.mark.parametrize("beta", [2.0, 3.0])
def test_clean_texture_has_no_periodic_energy(beta: float) -> None:
    samples = tissue(beta=beta)
    assert periodic_ratio(samples) < PERIODIC_CEILING / 2
    assert collapse_reason(samples) is None


@pytest.mark.parametrize("period", [2, 4])
def test_a_planted_checkerboard_of_a_few_grey_levels_is_flagged(period: int) -> None:
    samples = tissue() + checkerboard(3.0, period)  # 3 grey levels on texture of ~38
    reason = collapse_reason(samples)
    assert reason is not None and "checkerboard" in reason
    assert f"ceiling {PERIODIC_CEILING:g}" in reason


def test_transposed_convolutions_paint_the_grid_and_resize_upsampling_does_not() -> None:
    # untrained: the grid comes from the layers' kernel overlap, not from what was learned
    ratios = {}
    for mode in ("transposed", "resize"):
        g, _d, spec = build_models("cpu", generator=torch.Generator().manual_seed(1), upsample=mode)
        with torch.no_grad():
            ratios[mode] = periodic_ratio(g.eval()(torch.randn(16, spec.nz, 1, 1)))
    assert ratios["transposed"] > PERIODIC_CEILING > 2 * ratios["resize"]


def test_a_run_whose_samples_show_a_grid_says_so_at_the_end(workspace, monkeypatch) -> None:
    from mammogan_core.events import Log
    from mammogan_core.training.step import GanStep

    add_lesions(workspace, 16)
    grid = tissue(64) + checkerboard(3.0)
    monkeypatch.setattr(GanStep, "sample", lambda self, noise: grid)
    events = run_all(workspace, tiny(epochs=1))
    said = [e.message for e in events if isinstance(e, Log) and e.level == "warning"]
    assert len(said) == 1 and "samples show a checkerboard" in said[0]
    assert "collapsed" not in said[0] and "--upsample resize" in said[0]
