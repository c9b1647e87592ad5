"""Differentiable augmentation of what the discriminator sees (DiffAugment, Zhao et al. 2020),
with an optional adaptive strength (ADA, Karras et al. 2020), written from the papers.

The same random transformations are applied to real and to generated images, in D's update
and in G's, so D never learns that augmented images are real (nothing "leaks" into G's
samples) and G's gradients flow back through them: every operation here is differentiable in
its input. Single-channel mammograms have no colour: translation, cutout, brightness and
contrast, each with its own strength (config.py's aug_* settings; 0 leaves it out).

Each operation is applied to each image with probability p: p = 1 without ADA (DiffAugment);
with ADA, p starts at 0 and every `ada_interval` steps moves by
sign(r_t - target) * (images seen in the interval) / ada_speed, where
r_t = E[sign(D(real))] over that interval is the discriminator's overfitting signal (0: it
cannot tell real from fake; 1: it calls every real image real). All of it stays on the device:
no host sync per step.
"""

from __future__ import annotations

from typing import Any

import torch

GREY = 127.5  # grey levels per unit of the [-1, 1] range


class Ops:
    """The four operations at given strengths: translation and cutout as fractions of the
    image side, brightness in grey levels (0-255 scale), contrast as the factor's half-range
    (1 +/- contrast)."""

    def __init__(
        self, translate: float = 0.0, cutout: float = 0.0, brightness: float = 0.0, contrast=0.0
    ) -> None:
        self.translate, self.cutout = translate, cutout
        self.brightness, self.contrast = brightness / GREY, contrast

    @property
    def enabled(self) -> bool:
        return any((self.translate, self.cutout, self.brightness, self.contrast))

    def __call__(self, x: torch.Tensor, p: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
        """`x` (N x C x H x W in [-1, 1]) transformed; each operation hits each image with
        probability `p` (a 0-dim tensor on x's device)."""
        if not self.enabled:
            return x
        n = x.shape[0]

        def hit() -> torch.Tensor:  # 1 for the images an operation applies to, else 0
            return (torch.rand(n, 1, 1, 1, device=x.device, generator=gen) < p).to(x.dtype)

        def uniform() -> torch.Tensor:  # U(-1, 1) per image
            return torch.rand(n, 1, 1, 1, device=x.device, generator=gen).mul(2).sub(1)

        if self.brightness:
            x = x + uniform().to(x.dtype) * self.brightness * hit()
        if self.contrast:
            mean = x.mean(dim=(1, 2, 3), keepdim=True)
            x = mean + (x - mean) * (1 + uniform().to(x.dtype) * self.contrast * hit())
        if self.translate:
            x = _translate(x, round(self.translate * x.shape[-1]), hit(), gen)
        if self.cutout:
            x = _cutout(x, round(self.cutout * x.shape[-1]), hit(), gen)
        return x


def _shifts(n: int, limit: int, hit: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Integer shifts in [-limit, limit] per image (0 where `hit` is 0), n x 1 x 1."""
    s = torch.randint(-limit, limit + 1, (n, 1, 1), device=hit.device, generator=gen)
    return s * hit.view(n, 1, 1).long()


def _translate(x: torch.Tensor, limit: int, hit: torch.Tensor, gen: torch.Generator):
    """Shift each image by whole pixels; what comes in is 0 (mid-grey), as in DiffAugment."""
    n, c, h, w = x.shape
    if limit < 1:
        return x
    sy, sx = _shifts(n, limit, hit, gen), _shifts(n, limit, hit, gen)
    rows = torch.arange(h, device=x.device).view(1, h, 1) - sy  # n x h x 1
    cols = torch.arange(w, device=x.device).view(1, 1, w) - sx  # n x 1 x w
    inside = ((rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)).to(x.dtype)  # n x h x w
    flat = (rows.clamp(0, h - 1) * w + cols.clamp(0, w - 1)).view(n, 1, h * w).expand(n, c, -1)
    return x.flatten(2).gather(2, flat).view(n, c, h, w) * inside.unsqueeze(1)


def _cutout(x: torch.Tensor, size: int, hit: torch.Tensor, gen: torch.Generator):
    """Set a size x size square (centred anywhere, clipped at the border) to 0 (mid-grey)."""
    n, _c, h, w = x.shape
    if size < 1:
        return x
    cy = torch.randint(0, h, (n, 1, 1), device=x.device, generator=gen)
    cx = torch.randint(0, w, (n, 1, 1), device=x.device, generator=gen)
    rows = torch.arange(h, device=x.device).view(1, h, 1) - cy + size // 2
    cols = torch.arange(w, device=x.device).view(1, 1, w) - cx + size // 2
    square = (rows >= 0) & (rows < size) & (cols >= 0) & (cols < size)  # n x h x w
    keep = 1 - square.to(x.dtype) * hit.view(n, 1, 1)
    return x * keep.unsqueeze(1)


class AdaController:
    """ADA's p: raised while D overfits (r_t above the target), lowered otherwise."""

    def __init__(
        self, target: float, speed_images: int, interval: int, batch: int, device: torch.device
    ) -> None:
        self.target, self.interval = target, interval
        self.step_size = batch * interval / speed_images  # p's change per adjustment
        self.p = torch.zeros((), device=device)
        self.signs = torch.zeros(2, device=device)  # sum of sign(D(real)), count

    def observe(self, logits_real: torch.Tensor) -> torch.Tensor:
        """Accumulate sign(D(real)); returns this batch's mean sign (the step's r_t)."""
        s = torch.sign(logits_real.detach().float())
        self.signs += torch.stack([s.sum(), s.new_tensor(float(s.numel()))])
        return s.mean()

    def update(self, steps_done: int) -> None:
        """Move p once every `interval` steps (all ranks agree: their signs are summed)."""
        if steps_done % self.interval:
            return
        signs = self.signs
        if torch.distributed.is_available() and torch.distributed.is_initialized():
            signs = signs.clone()
            torch.distributed.all_reduce(signs)
        r_t = signs[0] / signs[1].clamp(min=1)
        self.p = (self.p + torch.sign(r_t - self.target) * self.step_size).clamp(0.0, 1.0)
        self.signs.zero_()


class Augmenter:
    """What GanStep calls: the seed's jitter of real images (when asked for), the
    DiffAugment operations before every D call, and ADA's p; its own random stream."""

    def __init__(self, config: Any, device: torch.device, stream_seed: int) -> None:
        cfg = config
        self.ops = Ops(cfg.aug_translate, cfg.aug_cutout, cfg.aug_brightness, cfg.aug_contrast)
        # the seed's thesis: +/-5 grey levels of brightness and of contrast (the full range's
        # ends move by up to 5 grey levels) on small training sets
        self.jitter = Ops(brightness=5.0, contrast=5.0 / GREY) if cfg.real_jitter else None
        self.gen = torch.Generator(device=device).manual_seed(stream_seed)
        self.ada = (
            AdaController(cfg.ada_target, cfg.ada_speed, cfg.ada_interval, cfg.batch_size, device)
            if cfg.ada and self.ops.enabled
            else None
        )
        self.one = torch.ones((), device=device)
        self.fixed_p = self.one if self.ops.enabled else torch.zeros((), device=device)

    @property
    def p(self) -> torch.Tensor:
        return self.ada.p if self.ada is not None else self.fixed_p

    def describe(self) -> str | None:
        """The augmentation in words, for the run's log (None without any)."""
        o = self.ops
        parts = [
            f"{name} {value:g}"
            for name, value in (
                ("translation", o.translate),
                ("cutout", o.cutout),
                ("brightness", o.brightness * GREY),
                ("contrast", o.contrast),
            )
            if value
        ]
        text = []
        if parts:
            how = (
                f"p adapted by ADA toward r_t {self.ada.target:g}"
                if self.ada is not None
                else "always (p = 1)"
            )
            text.append(f"augmentation before D: {', '.join(parts)}; {how}")
        if self.jitter is not None:
            text.append("real patches jittered by +/-5 grey levels (brightness, contrast)")
        return "; ".join(text) or None

    def real(self, x: torch.Tensor) -> torch.Tensor:
        """The seed's data augmentation of real patches (before D's augmentation)."""
        return x if self.jitter is None else self.jitter(x, self.one, self.gen).clamp(-1, 1)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.ops(x, self.p, self.gen)

    def observe(self, logits_real: torch.Tensor) -> torch.Tensor:
        """The step's r_t (mean sign of D on real images), accumulated for ADA."""
        if self.ada is not None:
            return self.ada.observe(logits_real)
        return torch.sign(logits_real.detach().float()).mean()

    def end_step(self, steps_done: int) -> None:
        if self.ada is not None:
            self.ada.update(steps_done)

    def state_dict(self) -> dict[str, Any]:
        state: dict[str, Any] = {"gen": self.gen.get_state()}
        if self.ada is not None:
            state |= {"p": self.ada.p.detach().cpu(), "signs": self.ada.signs.detach().cpu()}
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.gen.set_state(state["gen"])
        if self.ada is not None:
            self.ada.p = state["p"].to(self.ada.p.device)
            self.ada.signs = state["signs"].to(self.ada.signs.device)
