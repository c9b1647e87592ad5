"""Differentiable augmentation before D (DiffAugment) and its adaptive probability (ADA):
differentiable, applied to real and generated images, p driven by D's overfitting, and a
resumed run continues the augmentation's state exactly."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from mammogan_core.errors import InputError
from mammogan_core.events import StepMetrics
from mammogan_core.models import build_models
from mammogan_core.training import preset_config
from mammogan_core.training.augment import AdaController, Augmenter, Ops
from mammogan_core.training.devices import speed_plan
from mammogan_core.training.step import GanStep
from mammogan_core.workspace import Workspace

from .test_train import add_lesions, run_all, tiny

CPU = torch.device("cpu")
ALL_OPS = dict(aug_translate=0.25, aug_cutout=0.5, aug_brightness=64.0, aug_contrast=0.5)


def ops_with_fixed_draws(ops: Ops, seed: int = 3):
    """The operations as a function of the image alone (the same random draws every call)."""
    return lambda x: ops(x, torch.ones((), dtype=x.dtype), torch.Generator().manual_seed(seed))


@pytest.mark.parametrize(
    "op",
    [
        {"translate": 0.25},
        {"cutout": 0.5},
        {"brightness": 64.0},
        {"contrast": 0.5},
        {"translate": 0.25, "cutout": 0.5, "brightness": 64.0, "contrast": 0.5},
    ],
)
def test_each_operation_is_differentiable_in_its_input(op) -> None:
    x = torch.rand(3, 1, 8, 8, dtype=torch.float64, requires_grad=True)
    f = ops_with_fixed_draws(Ops(**op))
    assert not torch.equal(f(x), x)  # it does something at these strengths
    assert torch.autograd.gradcheck(f, (x,))


def test_translation_moves_pixels_and_brings_in_mid_grey() -> None:
    x = torch.arange(64.0).view(1, 1, 8, 8) + 1  # no zero inside
    out = ops_with_fixed_draws(Ops(translate=0.5))(x.expand(16, 1, 8, 8))
    shifted = [(o != x[0]).any() for o in out]
    assert sum(shifted) >= 12  # shifts are drawn per image: most move
    for o in out:  # what remains is a shifted copy: every non-zero value is a pixel of x
        assert set(o[o != 0].tolist()) <= set(x.flatten().tolist())


def test_p_zero_leaves_images_alone_and_p_one_changes_every_image() -> None:
    x = torch.rand(256, 1, 16, 16) * 2 - 1
    ops = Ops(**{"translate": 0.25, "cutout": 0.5, "brightness": 64.0, "contrast": 0.5})
    gen = torch.Generator().manual_seed(0)
    torch.testing.assert_close(ops(x, torch.tensor(0.0), gen), x)  # up to rounding

    def changed(p: float) -> torch.Tensor:
        return ((ops(x, torch.tensor(p), gen) - x).abs() > 1e-5).flatten(1).any(1)

    assert changed(1.0).all()
    half = changed(0.5).float().mean()
    # four operations at 0.5 each: an image escapes all of them with probability 1/16
    assert 0.85 < float(half) < 0.99


def test_the_generator_gets_gradients_through_the_augmentation() -> None:
    cfg = preset_config("tiny", **ALL_OPS)
    g, d, spec = build_models("tiny", generator=torch.Generator().manual_seed(0))
    aug = Augmenter(cfg, CPU, stream_seed=1)
    fake = g(torch.randn(4, spec.nz, 1, 1))
    d(aug(fake)).sum().backward()
    grads = [p.grad for p in g.parameters()]
    assert all(gr is not None and torch.isfinite(gr).all() for gr in grads)
    assert sum(float(gr.abs().sum()) for gr in grads) > 0


class Recorder(Ops):
    """The operations, noting what they were given."""

    def __init__(self, ops: Ops) -> None:
        self.__dict__.update(ops.__dict__)
        self.inputs: list[torch.Tensor] = []

    def __call__(self, x, p, gen):
        self.inputs.append(x)
        return super().__call__(x, p, gen)


def test_d_sees_augmented_real_and_augmented_generated_images_in_both_updates() -> None:
    cfg = preset_config("tiny", batch_size=4, device="cpu", **ALL_OPS)
    data = torch.randint(0, 256, (4, 1, 128, 128), dtype=torch.uint8)
    step = GanStep(cfg, data, CPU, speed_plan(cfg, CPU))
    step.augment.ops = rec = Recorder(step.augment.ops)
    seen: list[torch.Tensor] = []
    step.D.register_forward_pre_hook(lambda _m, args: seen.append(args[0].detach().clone()))
    step(torch.tensor(1.0))
    real, fake_d, fake_g = rec.inputs
    assert not real.requires_grad and real.min() >= -1 and real.max() <= 1
    assert not fake_d.requires_grad  # D's update: the generated batch, detached
    assert fake_g.requires_grad  # G's update: gradients flow back through the augmentation
    assert torch.equal(fake_d, fake_g.detach())  # one generated batch, augmented twice
    # D was fed the augmented images, not the plain ones
    assert len(seen) == 3
    for plain, fed in zip(rec.inputs, seen):
        assert not torch.equal(plain.detach(), fed)


def test_without_augmentation_p_is_zero_and_d_sees_the_plain_images() -> None:
    cfg = preset_config("tiny", batch_size=4, device="cpu")
    step = GanStep(cfg, torch.zeros(4, 1, 128, 128, dtype=torch.uint8), CPU, speed_plan(cfg, CPU))
    seen: list[torch.Tensor] = []
    step.D.register_forward_pre_hook(lambda _m, args: seen.append(args[0]))
    stats = step(torch.tensor(1.0))
    assert float(stats[-1]) == 0.0  # aug_p
    assert torch.equal(seen[0], torch.full_like(seen[0], -1.0))  # the black patches, as they are


def drive(controller: AdaController, logits: torch.Tensor, steps: int) -> list[float]:
    ps = []
    for s in range(1, steps + 1):
        controller.observe(logits[s % len(logits)])
        controller.update(s)
        ps.append(float(controller.p))
    return ps


def test_ada_p_rises_while_d_overfits_and_stays_at_zero_when_it_does_not() -> None:
    gen = torch.Generator().manual_seed(0)
    # an overfitting D: real images score positive 95% of the time (r_t = 0.9 > 0.6)
    overfit = torch.where(torch.rand(64, 16, generator=gen) < 0.95, 3.0, -3.0)
    # a D that cannot tell: signs at random (r_t about 0)
    fooled = torch.randn(64, 16, generator=gen)
    ada = dict(target=0.6, speed_images=1600, interval=4, batch=16, device=CPU)
    up = drive(AdaController(**ada), overfit, 200)
    flat = drive(AdaController(**ada), fooled, 200)
    # 50 adjustments of 64/1600 = 0.04 each: p climbs to 1 and stays there (clamped)
    assert up[3] == pytest.approx(0.04) and up[-1] == 1.0
    assert all(b >= a for a, b in itertools.pairwise(up))
    assert max(flat) == 0.0  # lowered below 0: clamped at 0
    # r_t right at the target holds p where it is
    at_target = torch.tensor([[1.0] * 8 + [-1.0] * 2] * 4)
    hold = AdaController(**{**ada, "target": 0.6, "interval": 4})
    hold.p = torch.tensor(0.5)
    assert drive(hold, at_target, 40)[-1] == pytest.approx(0.5)


@pytest.mark.slow
def test_ada_p_rises_on_a_tiny_training_set_that_d_overfits() -> None:
    # four real patches seen over and over: D soon calls every one of them real
    cfg = preset_config(
        "tiny", batch_size=4, device="cpu", ada=True, ada_speed=400, ada_interval=2, **ALL_OPS
    )
    rng = np.random.default_rng(0)
    data = torch.from_numpy(rng.integers(0, 256, (4, 1, 128, 128), dtype=np.uint8))
    step = GanStep(cfg, data, CPU, speed_plan(cfg, CPU))
    stats = torch.stack([step(torch.tensor(1.0)) for _ in range(40)])
    r_t, p = stats[:, 4], stats[:, 5]
    assert float(p[0]) == 0.0  # ADA starts without augmentation
    assert float(r_t[:30].mean()) > cfg.ada_target  # D overfits...
    # ...so p rises (20 adjustments of 8/400 = 0.02 in 40 steps), then hovers where r_t
    # meets the target (a CPU run: p 0.22 at step 36, 0.18 at the end)
    assert float(p.max()) >= 0.15 and float(p[-1]) > 0.1


def test_small_data_preset_augments_adaptively_and_the_paper_preset_does_not() -> None:
    small, paper = preset_config("small-data"), preset_config("alyafi2020")
    assert small.ada and small.upsample is None  # the model preset's: resize
    assert all(getattr(small, k) > 0 for k in ALL_OPS)
    assert not paper.ada and not paper.real_jitter and all(getattr(paper, k) == 0 for k in ALL_OPS)
    # every preset takes the options
    assert preset_config("alyafi2020", real_jitter=True, aug_cutout=0.5, ada=True).ada
    said = Augmenter(small, CPU, 0).describe()
    assert "cutout 0.5" in said and "ADA toward r_t 0.6" in said
    assert Augmenter(paper, CPU, 0).describe() is None  # the paper's log says nothing new
    with pytest.raises(InputError, match=r"--ada.*--aug-translate"):  # nothing to adapt
        preset_config("alyafi2020", ada=True)


def test_the_seed_jitter_moves_real_patches_by_at_most_5_grey_levels_of_each() -> None:
    cfg = preset_config("alyafi2020", real_jitter=True)
    aug = Augmenter(cfg, CPU, stream_seed=0)
    x = torch.linspace(-0.9, 0.9, 64 * 64).view(1, 1, 64, 64).repeat(32, 1, 1, 1)
    out = aug.real(x)
    change = (out - x).abs().flatten(1).amax(1) * 127.5
    assert float(change.max()) <= 10.0 + 1e-4  # brightness and contrast, 5 grey levels each
    assert float(change.min()) > 0  # every patch is jittered
    assert torch.equal(aug(x), x)  # no augmentation before D unless asked for


@pytest.mark.slow
def test_resume_restores_p_and_the_augmentation_stream_exactly(tmp_path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    add_lesions(ws, 16)
    cfg = tiny(
        batch_size=4,  # 4 steps per epoch, 8 in all
        metrics_every=1,
        checkpoint_every=3,
        ada=True,
        ada_speed=100,
        ada_interval=1,
        **ALL_OPS,
    )
    full = run_all(ws, cfg)
    part = run_all(ws, cfg, stop_at=3)
    assert part[-1].summary.status == "stopped"
    rest = run_all(ws, None, resume=part[-1].summary.run)

    def curve(events):
        return [
            (e.step, e.values["aug_p"], e.values["loss_d"])
            for e in events
            if isinstance(e, StepMetrics)
        ]

    np.testing.assert_allclose(curve(part) + curve(rest), curve(full), rtol=1e-5, atol=1e-6)
    assert len({p for _s, p, _l in curve(full)}) > 2  # p moved: the comparison means something
    a = torch.load(full[-1].summary.checkpoint, weights_only=True)["augment"]
    b = torch.load(rest[-1].summary.checkpoint, weights_only=True)["augment"]
    assert torch.equal(a["gen"], b["gen"]) and torch.equal(a["signs"], b["signs"])
    assert float(a["p"]) == pytest.approx(float(b["p"]), abs=1e-7)
    ws.close()
