"""The GAN step: one D update (real + fake) and one G update, everything on the device.

Used by the trainer and by benchmarks/bench_training.py, so the benchmark times exactly the
code that trains.
"""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from ..models import build_models, sample_classes
from .augment import Augmenter
from .config import TrainConfig
from .data import EpochOrder, real_batch
from .devices import DistInfo, SpeedPlan

# torch.compile compiles on the first call; with CUDA graphs it records on the next ones.
GUARDED_CALLS = 3


class GanStep:
    def __init__(
        self,
        config: TrainConfig,
        data: torch.Tensor,
        device: torch.device,
        plan: SpeedPlan,
        dist_info: DistInfo | None = None,
        conditions: tuple[torch.Tensor, tuple[str, ...]] | None = None,
    ) -> None:
        """`conditions`: each patch's class index (on the device) and the vocabulary, for a
        conditional pair."""
        dist_info = dist_info or DistInfo()
        self.config = config
        self.data = data
        self.labels = conditions[0] if conditions else None
        self.device = device
        self.plan = plan
        init_gen = torch.Generator().manual_seed(config.seed)
        self.G, self.D, self.spec = build_models(
            config.preset,
            generator=init_gen,
            nz=config.nz,
            ngf=config.ngf,
            ndf=config.ndf,
            upsample=config.upsample,
            conditions=conditions[1] if conditions else None,
        )
        self.memory_format = torch.channels_last if plan.channels_last else torch.contiguous_format
        for m in (self.G, self.D):
            m.to(device, memory_format=self.memory_format)
        # Each rank draws its own batches: its own seeded stream (the DistributedSampler's job).
        self.rank, self.world_size = dist_info.rank, dist_info.world_size
        self.gen = torch.Generator(device=device).manual_seed(self._stream_seed(0))
        self.order = EpochOrder(
            data.shape[0], config.batch_size, config.seed, device, self.rank, self.world_size
        )
        self.batches = 0  # steps taken: where in the epoch order the next batch starts
        self.augment = Augmenter(config, device, self._stream_seed(0) + 29)
        self.opt_g = self._adam(self.G, config.lr_g)
        self.opt_d = self._adam(self.D, config.lr_d)
        self.sched_g = torch.optim.lr_scheduler.StepLR(
            self.opt_g, config.lr_step_g, config.lr_gamma
        )
        self.sched_d = torch.optim.lr_scheduler.StepLR(
            self.opt_d, config.lr_step_d, config.lr_gamma
        )
        self.ddp = dist_info.enabled
        if self.ddp:
            from torch.nn.parallel import DistributedDataParallel as DDP

            ids = [device.index] if device.type == "cuda" else None
            self.g_run: nn.Module = DDP(self.G, device_ids=ids)
            self.d_run: nn.Module = DDP(self.D, device_ids=ids)
        else:
            self.g_run, self.d_run = self.G, self.D
        # In the G update D only passes gradients through: the raw module, no DDP sync for it.
        self.d_plain: nn.Module = self.D
        self.compiled = False
        self.compile_error: str | None = None  # why compile was dropped (for the log)
        if plan.compile_mode:
            mode = None if plan.compile_mode == "default" else plan.compile_mode
            self.g_run, self.d_run = (
                torch.compile(self.g_run, mode=mode),
                torch.compile(self.d_run, mode=mode),
            )
            self.d_plain = self.d_run if not self.ddp else torch.compile(self.D, mode=mode)
            self.compiled = True
        self.cudagraphs = plan.compile_mode == "reduce-overhead"
        self.zeros = torch.zeros(config.batch_size, device=device)

    def _adam(self, module: nn.Module, lr: float) -> torch.optim.Adam:
        kw: dict[str, Any] = {"lr": lr, "betas": self.config.betas}
        if self.plan.fused_adam:
            kw["fused"] = True
        return torch.optim.Adam(module.parameters(), **kw)

    def use_eager(self) -> None:
        """Drop torch.compile (after a compilation failure)."""
        self.g_run = self.g_run._orig_mod if hasattr(self.g_run, "_orig_mod") else self.g_run
        self.d_run = self.d_run._orig_mod if hasattr(self.d_run, "_orig_mod") else self.d_run
        self.d_plain = self.D
        self.compiled = self.cudagraphs = False

    def guarded(self, real_label: torch.Tensor) -> torch.Tensor:
        """A step that may compile (first call) or record CUDA graphs (the next calls): on any
        failure restore the state from before the step and run it eagerly."""
        if not self.compiled:
            return self(real_label)
        snapshot = self.snapshot()
        try:
            return self(real_label)
        except Exception as exc:  # torch.compile raises many kinds; eager always works
            self.load_state_dict(snapshot)
            self.use_eager()
            self.compile_error = f"{type(exc).__name__}: {str(exc)[:300]}"
            return self(real_label)

    def _autocast(self) -> contextlib.AbstractContextManager[Any]:
        if self.plan.amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.plan.amp_dtype)

    def __call__(self, real_label: torch.Tensor) -> torch.Tensor:
        """One step; `real_label` is a 0-dim tensor on the device (the smoothed real label).
        Returns [loss_d, loss_g, D(x), D(G(z)), r_t, augmentation p] on the device (no sync).
        The augmentation (augment.py) is applied to every image D sees, real or generated."""
        cfg = self.config
        if self.cudagraphs:
            torch.compiler.cudagraph_mark_step_begin()
        idx = self.order.indices(self.batches)
        b = idx.numel()  # the batch size, or the remainder at the end of an epoch
        x = real_batch(self.data, idx, self.gen, cfg.flip_h, cfg.flip_v, self.memory_format)
        x = self.augment.real(x)
        z = torch.randn(b, self.spec.nz, 1, 1, device=self.device, generator=self.gen)
        # a conditional G draws the real batch's classes: the training set's class mix
        y = None if self.labels is None else self.labels.index_select(0, idx)
        aug, p = self.augment, self.augment.p
        target = real_label.expand(b)
        # D update: real then fake, one optimiser step. Under DDP the real half does not
        # all-reduce (no_sync); the fake half's backward reduces the accumulated gradients.
        self.opt_d.zero_grad(set_to_none=True)
        with self.d_run.no_sync() if self.ddp else contextlib.nullcontext():
            with self._autocast():
                out_real = self.d_run(aug(x), y).float()
            loss_real = F.binary_cross_entropy_with_logits(out_real, target)
            d_x = torch.sigmoid(out_real).mean()
            r_t = aug.observe(out_real)
            loss_real.backward()
        with self._autocast():
            fake = self.g_run(z, y)
            out_fake = self.d_run(aug(fake.detach()), y).float()
        loss_fake = F.binary_cross_entropy_with_logits(out_fake, self.zeros[:b])
        d_g_z = torch.sigmoid(out_fake).mean()
        loss_fake.backward()
        self.opt_d.step()
        # G update against the smoothed real label (the seed's recipe). D's weights get no
        # gradient here: that skips a third of D's weight-gradient work.
        self.opt_g.zero_grad(set_to_none=True)
        self.D.requires_grad_(False)
        try:
            with self._autocast():
                out_g = self.d_plain(aug(fake), y).float()
            loss_g = F.binary_cross_entropy_with_logits(out_g, target)
            loss_g.backward()
        finally:
            self.D.requires_grad_(True)
        self.opt_g.step()
        self.batches += 1
        aug.end_step(self.batches)
        return torch.stack(
            [
                (loss_real + loss_fake).detach(),
                loss_g.detach(),
                d_x.detach(),
                d_g_z.detach(),
                r_t,
                p.float(),
            ]
        )

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, Any]:
        return {
            "generator": self.G.state_dict(),
            "discriminator": self.D.state_dict(),
            "opt_g": self.opt_g.state_dict(),
            "opt_d": self.opt_d.state_dict(),
            "sched_g": self.sched_g.state_dict(),
            "sched_d": self.sched_d.state_dict(),
            "gen_data": self.gen.get_state(),
            "augment": self.augment.state_dict(),
            "batches": self.batches,
            "model": self.spec.to_dict(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.G.load_state_dict(state["generator"])
        self.D.load_state_dict(state["discriminator"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.sched_g.load_state_dict(state["sched_g"])
        self.sched_d.load_state_dict(state["sched_d"])
        self.gen.set_state(state["gen_data"])
        if "augment" in state:  # checkpoints from before augmentation: its fresh stream
            self.augment.load_state_dict(state["augment"])
        self.batches = int(state.get("batches", state.get("step", 0)))

    def _stream_seed(self, step: int) -> int:
        return self.config.seed * 1000 + 17 + self.rank + 7919 * step

    def resume_stream(self, ranks: list[torch.Tensor] | None, step: int) -> None:
        """Under DDP each rank continues its own batch stream from a checkpoint (`ranks`: every
        rank's state); one written by another number of processes gets fresh streams."""
        if ranks is not None and len(ranks) == self.world_size:
            self.gen.set_state(ranks[self.rank])
        else:
            self.gen.manual_seed(self._stream_seed(step))

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(self.state_dict())

    @torch.no_grad()
    def sample(self, noise: torch.Tensor) -> torch.Tensor:
        """G(noise) in eval mode (running BN statistics), without touching any training state;
        a conditional G draws its conditions in turn."""
        self.G.eval()
        try:
            with self._autocast():
                y = sample_classes(self.G, 0, noise.shape[0], None, noise.device)
                return self.G(noise, y).float()
        finally:
            self.G.train()
