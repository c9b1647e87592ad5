"""The collapse check on generated samples: flat or identical images are flagged, real-looking
varied ones are not."""

from __future__ import annotations

import torch

from mammogan_core.training.collapse import DIVERSITY_FLOOR, STD_FLOOR, collapse_reason

from .test_train import add_lesions


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
