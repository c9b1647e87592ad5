"""`train()`: the training loop as a generator of events (see the package docstring)."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from typing import Any

import torch

from ..control import Control, Stopped
from ..errors import InputError
from ..events import CheckpointSaved, Event, Finished, Log, Progress, SampleGrid, StepMetrics
from ..metrics.registry import spec
from ..metrics.selection import SAMPLE_METRICS, choose_selection
from ..metrics.selection_reference import selection_reference
from ..metrics.store import store_metrics
from ..workspace import Workspace
from . import runs
from .checkpoints import CheckpointFolder, global_rng_state, set_global_rng_state
from .collapse import CHECKERBOARD, collapse_reason
from .config import TrainConfig
from .data import grid, load_patches, to_uint8, write_png
from .devices import DistInfo, dist_from_env, init_distributed, resolve_device, speed_plan
from .metrics import EMA_NAMES, MetricsWindows
from .model_card import write_model_card
from .owner import this_process
from .results import TrainResult
from .step import GUARDED_CALLS, GanStep

GRID_N = 64  # 8 x 8 samples, 64 px each


def run_training(
    ws: Workspace,
    config: TrainConfig | None,
    control: Control,
    resume: str | None,
    patients: frozenset[str] | None = None,
) -> Iterator[Event]:
    dist_info = dist_from_env()
    if resume:
        stored = runs.stored_train_config(ws, resume)
        if dist_info.is_main:  # before the other ranks join: rank 0 then owns the run
            runs.refuse_if_trained_elsewhere(ws, resume)
        if config is None:
            config = stored
        elif config.schedule_hash() != stored.schedule_hash():
            raise InputError(
                f"run {resume} cannot resume with a different schedule; these "
                f"options differ: {', '.join(config.schedule_diff(stored))}"
            )
    if config is None:
        raise InputError("train() needs a configuration (or resume=RUN_ID)")
    device = (
        init_distributed(dist_info, config.device)
        if dist_info.enabled
        else resolve_device(config.device)
    )
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True  # fixed shapes: autotune once
    # Switching it imports torch._inductor (seconds): only when asked for and not yet on.
    switch = config.deterministic and not torch.are_deterministic_algorithms_enabled()
    if switch:
        torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield from _Session(ws, config, control, device, dist_info, resume, patients).run()
    finally:
        if switch:
            torch.use_deterministic_algorithms(False)


class _Session:
    def __init__(
        self,
        ws: Workspace,
        config: TrainConfig,
        control: Control,
        device: torch.device,
        dist_info: DistInfo,
        resume: str | None,
        patients: frozenset[str] | None = None,
    ) -> None:
        self.ws, self.config, self.control, self.device = ws, config, control, device
        self.dist, self.resume, self.patients = dist_info, resume, patients
        self.main = dist_info.is_main
        self.plan = speed_plan(config, device)

    # ------------------------------------------------------------------ setup
    def run(self) -> Iterator[Event]:
        cfg = self.config
        yield Log(
            f"training on {self.device} (amp {self.plan.amp_dtype or 'off'}, channels_last "
            f"{'on' if self.plan.channels_last else 'off'}, compile {self.plan.compile_mode or 'off'}"
            + (f", {self.dist.world_size} processes" if self.dist.enabled else "")
            + ")"
        )
        for note in self.plan.notes:
            yield Log(note, "warning")
        if cfg.best_metric not in SAMPLE_METRICS and cfg.best_metric not in EMA_NAMES:
            yield Log(
                f"no metric {cfg.best_metric!r} is recorded, so 'best' is the last checkpoint",
                "warning",
            )
        # every rank checkpoints when an evaluation is due; rank 0 evaluates
        self.evaluates = cfg.best_metric in SAMPLE_METRICS
        self.selection = None
        data, selection, conditions = load_patches(self.ws, cfg, self.device, self.patients)
        images_per_step = cfg.batch_size * self.dist.world_size
        self.engine = GanStep(cfg, data, self.device, self.plan, self.dist, conditions)
        if augmentation := self.engine.augment.describe():
            yield Log(augmentation)
        self.spe = self.engine.order.steps_per_epoch
        self.total = cfg.epochs * self.spe
        noise_gen = torch.Generator().manual_seed(cfg.seed + 1)
        self.fixed_noise = torch.randn(GRID_N, self.engine.spec.nz, 1, 1, generator=noise_gen).to(
            self.device
        )
        self.label_gen = torch.Generator().manual_seed(cfg.seed + 2)
        self.run_id = self.resume or self._broadcast(
            runs.new_run_id(self.ws, cfg.preset) if self.main else ""
        )
        self.folder = self.ws.runs_dir / self.run_id
        self.ckpts = CheckpointFolder(self.folder / "checkpoints", cfg.keep_last, cfg.best_mode)
        self.step, self.real_label, self.ckpt_step, self.last_ckpt = 0, 1.0, -1, None
        self.paused_s = 0.0
        self.warnings: list[str] = []  # this session's, also stored in the run's record
        self.last_samples: torch.Tensor | None = None  # the latest fake grid's, full size
        self.metric_rows: list[tuple[str, float, int]] = []
        self.windows = MetricsWindows(self.device, images_per_step)
        if self.resume:
            yield from self._restore()
        elif self.main:
            yield from self._mention_unfinished_twins()
        self.start_step = self.step
        if self.main:
            runs.start_run(self.ws, self.run_id, self._info(selection), fresh=not self.resume)
        yield Log(
            f"run {self.run_id}: {selection['count']} patches, {self.spe} steps per epoch, "
            f"{self.total} steps"
        )
        if self.main:
            yield from self._choose_selection(data)
        # `data` is already uint8 pixels: only generated images need to_uint8.
        real = data[torch.randperm(data.shape[0], generator=noise_gen)[:GRID_N].to(self.device)]
        yield self._grid(grid(real), "real")
        yield from self._loop()

    def _info(self, selection: dict[str, Any]) -> dict[str, Any]:
        cfg = self.config
        return {
            "run": self.run_id,
            "kind": "train",
            "train": cfg.to_dict(),
            "model": self.engine.spec.to_dict(),
            "seed": cfg.seed,
            "config_hash": cfg.schedule_hash(),
            "versions": runs.versions(),
            "device": str(self.device),
            "world_size": self.dist.world_size,
            "process": this_process(),
            "speed": {
                "amp": str(self.plan.amp_dtype),
                "channels_last": self.plan.channels_last,
                "compile": self.plan.compile_mode,
                "fused_adam": self.plan.fused_adam,
            },
            "selection": selection,
            "steps_per_epoch": self.spe,
            "total_steps": self.total,
            "resumed_from_step": self.start_step if self.resume else 0,
        }

    def _restore(self) -> Iterator[Event]:
        found = self.ckpts.latest()
        if found is None:
            raise InputError(
                f"run {self.resume} has no checkpoint to resume from", self.ckpts.folder
            )
        path, payload = found
        if payload["config_hash"] != self.config.schedule_hash():
            raise InputError("the checkpoint was written with a different schedule", path)
        done = int(payload["step"])
        if done > self.total:
            raise InputError(
                f"run {self.resume} has already trained {done} steps "
                f"({done / self.spe:.3g} epochs); resume it with --epochs "
                f"{math.ceil(done / self.spe)} or more, not {self.config.epochs}"
            )
        self.engine.load_state_dict(payload)
        if self.dist.enabled:
            self.engine.resume_stream(payload.get("gen_data_ranks"), done)
        set_global_rng_state(payload["rng"])
        self.label_gen.set_state(payload["gen_label"])
        self.step, self.real_label = done, float(payload["real_label"])
        self.ckpt_step, self.last_ckpt, self.ckpts.best = self.step, path, payload.get("best")
        self.windows.ema = dict(payload.get("ema", {}))
        if self.main:
            runs.drop_metrics_after(self.ws, self.resume, self.step)
        yield Log(f"resumed {self.resume} from step {self.step} ({path.name})")

    def _choose_selection(self, data: torch.Tensor) -> Iterator[Event]:
        cfg = self.config
        real, reference = selection_reference(self.ws, cfg, self.patients, data)
        self.selection, fallback = choose_selection(
            cfg.best_metric, cfg.inception_weights, cfg.eval_samples, real, self.device, reference
        )
        if self.selection is not None:  # each check's stored provenance names it too
            yield Log(f"'best' is chosen by {self.selection.name} against {reference}")
        if fallback:
            self.warnings.append(fallback)
            runs.add_warning(self.ws, self.run_id, fallback)
            yield Log(fallback, "warning")
        best = self.ckpts.best
        if self.selection and best and best.get("metric") != self.selection.name:
            yield Log(
                f"'best' so far was chosen by {best.get('metric')}; from now on by "
                f"{self.selection.name} (the next evaluation sets it)"
            )
            self.ckpts.best = None

    def _mention_unfinished_twins(self) -> Iterator[Event]:
        """A fresh run with the settings of a stopped one is often meant as its resumption:
        say how to resume that one (the new run still starts: a second run is never wrong)."""
        for twin in runs.unfinished_twins(self.ws, self.config)[:1]:
            yield Log(
                f"run {twin['id']} has these settings and was {twin['status']} at step "
                f"{twin['step']}; this starts a new run. To continue that one instead: "
                f"{runs.resume_command(self.ws, twin['id'])}",
                "warning",
            )

    # ------------------------------------------------------------------ loop
    def _loop(self) -> Iterator[Event]:
        cfg, engine = self.config, self.engine
        t_start, status = time.perf_counter(), "finished"
        label_t = torch.tensor(self.real_label, device=self.device)
        self.windows.reset_clock()
        try:
            while self.step < self.total:
                want_ckpt = self._check_control()
                if self.step % self.spe == 0:  # a new epoch: draw its smoothed real label
                    u = torch.rand((), generator=self.label_gen).item()
                    self.real_label = (
                        cfg.real_label_min + (cfg.real_label_max - cfg.real_label_min) * u
                    )
                    label_t = torch.tensor(self.real_label, device=self.device)
                first = self.step < self.start_step + GUARDED_CALLS
                stats = engine.guarded(label_t) if first else engine(label_t)
                self.windows.add(stats)
                self.step += 1
                if self.step % cfg.metrics_every == 0 or self.step == self.total:
                    self._close_window()
                    yield from self._emit(wait=False)
                    yield Progress(self.step, self.total, unit="steps")
                if self.step % self.spe == 0:  # after the window closed: it reports the lr it used
                    engine.sched_d.step()
                    engine.sched_g.step()
                if self.step % cfg.sample_every == 0:
                    yield self._fake_grid()
                if want_ckpt or self._checkpoint_due():
                    yield from self._checkpoint()
        except Stopped:
            status = "stopped"
        except BaseException:
            if self.main:
                runs.set_status(self.ws, self.run_id, "failed")
            raise
        self._close_window()
        yield from self._emit(wait=True)
        if self.ckpt_step != self.step:
            yield from self._checkpoint()
        if self.step % cfg.sample_every != 0:
            yield self._fake_grid()
        yield from self._check_collapse()
        if self.main:
            runs.set_status(self.ws, self.run_id, status)
            write_model_card(self.ws, self.run_id)
        seconds = time.perf_counter() - t_start - self.paused_s
        done = (self.step - self.start_step) * cfg.batch_size * self.dist.world_size
        yield Finished(
            TrainResult(
                run=self.run_id,
                run_dir=str(self.folder),
                steps=self.step,
                epochs=self.step // self.spe,
                checkpoint=str(self.last_ckpt),
                resumed_from_step=self.start_step if self.resume else 0,
                images_per_s=round(done / max(seconds, 1e-9), 1),
                device=str(self.device),
                status=status,
                warnings=tuple(self.warnings),
                resume_command=(
                    runs.resume_command(self.ws, self.run_id) if status == "stopped" else None
                ),
            )
        )

    def _check_control(self) -> bool:
        """Stop/pause/checkpoint requests; under DDP every rank acts on the same step."""
        if self.dist.enabled and self.step % self.config.metrics_every:
            return False
        if self.control.paused:  # paused time counts neither in images/s nor in the summary
            t0 = time.perf_counter()
            self.control.wait_while_paused()
            self.paused_s += time.perf_counter() - t0
            self.windows.shift_clock(time.perf_counter() - t0)
        if not self.dist.enabled:
            self.control.check()
            return self.control.take_checkpoint_request()
        import torch.distributed as dist

        flags = torch.tensor(
            [float(self.control.stop_requested), float(self.control.take_checkpoint_request())],
            device=self.device,
        )
        dist.all_reduce(flags, op=dist.ReduceOp.MAX)
        if flags[0].item():
            raise Stopped()
        return bool(flags[1].item())

    def _checkpoint_due(self) -> bool:
        every = self.config.checkpoint_every * (
            self.spe if self.config.checkpoint_unit == "epochs" else 1
        )
        return (self.step % every == 0 or self._eval_due()) and self.step < self.total

    def _eval_due(self) -> bool:
        """After every `eval_every`-th epoch and at the end of the run, when a metric of
        generated samples picks 'best'."""
        if not self.evaluates:
            return False
        epoch_end = self.step % self.spe == 0
        return self.step == self.total or (
            epoch_end and (self.step // self.spe) % self.config.eval_every == 0
        )

    def _close_window(self) -> None:
        self.windows.close(
            self.step,
            max(0, self.step - 1) // self.spe,
            {
                "lr_d": self.engine.opt_d.param_groups[0]["lr"],
                "lr_g": self.engine.opt_g.param_groups[0]["lr"],
            },
        )

    def _emit(self, wait: bool) -> Iterator[Event]:
        if self.engine.compile_error:
            yield Log(
                f"torch.compile failed; training continues eagerly ({self.engine.compile_error})",
                "warning",
            )
            self.engine.compile_error = None
        for w in self.windows.ready(wait):
            yield StepMetrics(w.step, w.epoch, w.values)
            self.metric_rows += [(k, v, w.step) for k, v in w.values.items()]

    def _fake_grid(self) -> SampleGrid:
        self.last_samples = self.engine.sample(self.fixed_noise)
        return self._grid(grid(to_uint8(self.last_samples)), "fake")

    def _check_collapse(self) -> Iterator[Event]:
        """At the end of a session (finished or stopped): early grids of a healthy run are
        flat too, before G has learned anything."""
        reason = None if self.last_samples is None else collapse_reason(self.last_samples)
        if reason:
            text = (
                f"step {self.step}: the generator's samples show {reason}"
                if reason.startswith(CHECKERBOARD)
                else f"step {self.step}: the generator's samples have collapsed: {reason}. "
                "Train longer, lower the learning rates or use a wider preset (cpu on a CPU)"
            )
            self.warnings.append(text)
            if self.main:
                runs.add_warning(self.ws, self.run_id, text)
            yield Log(text, "warning")

    def _grid(self, image: torch.Tensor, kind: str) -> SampleGrid:
        arr = image.numpy()
        if self.main:
            name = "real.png" if kind == "real" else f"fake_step{self.step:09d}.png"
            write_png(self.folder / "samples" / name, arr)
        return SampleGrid(self.step, arr, kind)

    def _checkpoint(self) -> Iterator[Event]:
        yield from self._emit(wait=True)  # metrics up to this step go into the same transaction
        path = self.ckpts.path(self.step)
        ranks = None
        if self.dist.enabled:  # every rank's batch stream, so that a resume continues each
            ranks = [None] * self.dist.world_size
            torch.distributed.all_gather_object(ranks, self.engine.gen.get_state())
        if self.main:
            metric, value = self._best_value()
            payload = {
                "format": "mammogan-checkpoint",
                "version": 1,
                **self.engine.state_dict(),
                "step": self.step,
                "epoch": self.step // self.spe,
                "real_label": self.real_label,
                "config_hash": self.config.schedule_hash(),
                "rng": global_rng_state(),
                "gen_label": self.label_gen.get_state(),
                **({"gen_data_ranks": ranks} if ranks else {}),
                "ema": dict(self.windows.ema),
                "metric": {"name": metric, "value": value},
            }
            path = self.ckpts.save(self.step, payload, metric, value)
            if self.selection is not None and value is not None:
                best = self.ckpts.best and self.ckpts.best["step"] == self.step
                yield Log(
                    f"step {self.step} (epoch {self.step // self.spe}): "
                    f"{spec(metric).label} {spec(metric).text(value)}"
                    + (" (best so far)" if best else "")
                )
            runs.update_run(self.ws, self.run_id, self.step, metrics=self.metric_rows)
            self.metric_rows = []
        if self.dist.enabled:
            torch.distributed.barrier()
        self.ckpt_step, self.last_ckpt = self.step, path
        yield CheckpointSaved(self.step, str(path))

    def _best_value(self) -> tuple[str, float | None]:
        if self.selection is not None:
            name = self.selection.name
            if not self._eval_due():
                return name, None
            value = float(self.selection(self.engine.G))
            details = self.selection.provenance()
            store_metrics(self.ws, self.run_id, self.step, {name: value}, details)
            return name, value
        name = self.config.best_metric
        return name, self.windows.latest().get(name)

    def _broadcast(self, text: str) -> str:
        if not self.dist.enabled:
            return text
        box = [text]
        torch.distributed.broadcast_object_list(box, src=0)
        return box[0]
