#!/usr/bin/env python3
"""Training throughput: our trainer's step vs a plain fp32 eager batch-64 loop, in one process.

Prints one JSON object per line: the environment, one line per configuration
(images/s counts real images), then a summary with the ratios to the plain loop, and with
--sanity-steps K the bf16-vs-fp32 loss trajectories of the same seed.

  python benchmarks/bench_training.py --preset dcgan --batch 64 --sizes 128,512 --seconds 10
  python benchmarks/bench_training.py --smoke          # CPU: tiny preset, a few steps each
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from mammogan_core.control import Control
from mammogan_core.events import Progress
from mammogan_core.models import build_models
from mammogan_core.training import preset_config, train
from mammogan_core.training.data import grid, to_uint8
from mammogan_core.training.devices import SpeedPlan, resolve_device, speed_plan
from mammogan_core.training.metrics import MetricsWindows
from mammogan_core.training.step import GanStep


def emit(d: dict) -> None:
    print(json.dumps(d), flush=True)


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def timed(
    step, device: torch.device, warmup: int, seconds: float, steps: int | None
) -> tuple[int, float]:
    """Run `step` for `steps` steps (or `seconds`) after `warmup` steps; (steps, seconds)."""
    for _ in range(warmup):
        step()
    sync(device)
    n, t0 = 0, time.perf_counter()
    while (n < steps) if steps else (n % 4 or time.perf_counter() - t0 < seconds):
        step()
        n += 1
    sync(device)
    return n, time.perf_counter() - t0


def plain_loop(preset: str, batch: int, data: torch.Tensor, device: torch.device):
    """The reference structure: fp32, NCHW, default Adam, D real + fake, then G through D."""
    torch.manual_seed(0)
    g, d, spec = build_models(preset)
    g.to(device)
    d.to(device)
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    ones, zeros = torch.ones(batch, device=device), torch.zeros(batch, device=device)

    def step() -> None:
        idx = torch.randint(0, data.shape[0], (batch,), device=device)
        x = data.index_select(0, idx).float().div_(127.5).sub_(1.0)
        z = torch.randn(batch, spec.nz, 1, 1, device=device)
        opt_d.zero_grad(set_to_none=True)
        F.binary_cross_entropy_with_logits(d(x), ones).backward()
        fake = g(z)
        F.binary_cross_entropy_with_logits(d(fake.detach()), zeros).backward()
        opt_d.step()
        opt_g.zero_grad(set_to_none=True)
        F.binary_cross_entropy_with_logits(d(fake), ones).backward()
        opt_g.step()

    return step


def trainer_loop(cfg, data: torch.Tensor, device: torch.device, plan: SpeedPlan | None = None):
    """Our GanStep plus the metrics bookkeeping the trainer does (windows of 10 steps)."""
    engine = GanStep(cfg, data, device, plan or speed_plan(cfg, device))
    windows = MetricsWindows(device, cfg.batch_size)
    label = torch.tensor(0.9, device=device)
    count = [0]

    def step() -> None:
        windows.add(engine(label))
        count[0] += 1
        if count[0] % 10 == 0:
            windows.close(count[0], 0, {})
            windows.ready()

    return engine, step


def sample_grid_ms(engine: GanStep, device: torch.device) -> float:
    noise = torch.randn(64, engine.spec.nz, 1, 1, device=device)
    grid(to_uint8(engine.sample(noise)))
    t0 = time.perf_counter()
    for _ in range(3):
        grid(to_uint8(engine.sample(noise)))
    return (time.perf_counter() - t0) / 3 * 1e3


def end_to_end(cfg, data: torch.Tensor, steps: int, sample_every: int) -> dict:
    """The whole `train()` generator on a temporary workspace (events, grids every
    `sample_every` steps, metrics, a checkpoint at the end), timed between Progress events
    after a warm-up, so its rate over GanStep's alone is the cost of that bookkeeping."""
    from mammogan_core.workspace import Workspace

    pixels = data[:, 0].cpu().numpy()
    with tempfile.TemporaryDirectory() as tmp, Workspace.create(Path(tmp) / "ws") as ws:
        ws.add_patches(pixels, [{"label": "lesion", "split": "train"}] * len(pixels))
        spe = -(-len(pixels) // cfg.batch_size)
        cfg = cfg.with_(
            epochs=-(-steps // spe),
            sample_every=sample_every,
            metrics_every=10,
            checkpoint_every=10**9,
            checkpoint_unit="steps",
        )
        marks = [
            (time.perf_counter(), ev.done)
            for ev in train(ws, cfg, Control())
            if isinstance(ev, Progress)
        ]
    (t0, s0), (t1, s1) = marks[2], marks[-1]  # after 30 warm-up steps
    return {"steps": s1 - s0, "images_per_s": cfg.batch_size * (s1 - s0) / max(t1 - t0, 1e-9)}


def sanity(cfg, data: torch.Tensor, device: torch.device, k: int) -> dict:
    """bf16 vs fp32 loss trajectories, same seed: EMA-smoothed, max/mean abs difference."""
    curves = {}
    for name, dtype in (("fp32", None), ("bf16", torch.bfloat16)):
        plan = dataclasses.replace(speed_plan(cfg, device), amp_dtype=dtype, compile_mode=None)
        engine = GanStep(cfg, data, device, plan)
        label = torch.tensor(0.9, device=device)
        stats = torch.stack([engine(label) for _ in range(k)]).cpu()
        ema, out = stats[0].clone(), []
        for row in stats:
            ema = 0.9 * ema + 0.1 * row
            out.append(ema[:2].clone())
        curves[name] = torch.stack(out)
    diff = (curves["fp32"] - curves["bf16"]).abs()
    return {
        "config": "sanity_bf16_vs_fp32",
        "steps": k,
        "max_abs_diff": round(diff.max().item(), 4),
        "mean_abs_diff": round(diff.mean().item(), 4),
        "final_fp32": [round(v, 4) for v in curves["fp32"][-1].tolist()],
        "final_bf16": [round(v, 4) for v in curves["bf16"][-1].tolist()],
        "finite": bool(torch.isfinite(curves["bf16"]).all()),
    }


def bench_batch(args: argparse.Namespace, batch: int, data, device, results: dict) -> None:
    """Our trainer's step at one batch size (and the whole train() at the user's batch)."""
    cfg = preset_config(args.preset, batch_size=batch, device=str(device), compile=args.compile)
    plan = speed_plan(cfg, device)
    engine, step = trainer_loop(cfg, data, device, plan)
    n, sec = timed(step, device, args.warmup, args.seconds, args.steps)
    key = f"trainer_b{batch}"
    results[key] = batch * n / sec
    grid_ms = sample_grid_ms(engine, device)
    emit(
        {
            "config": key,
            "batch": batch,
            "steps": n,
            "seconds": round(sec, 3),
            "images_per_s": round(results[key], 1),
            "step_ms": round(1e3 * sec / n, 3),
            "amp": str(plan.amp_dtype),
            "channels_last": plan.channels_last,
            "compile": plan.compile_mode,
            "fused_adam": plan.fused_adam,
            "sample_grid_ms": round(grid_ms, 2),
            "grid_overhead_at_every_500": round(grid_ms / (500 * 1e3 * sec / n), 4),
        }
    )
    del engine, step
    if args.end_to_end and batch == args.batch:
        steps = max(80, int(args.seconds * results[key] / batch) if not args.steps else 0)
        e2e = end_to_end(cfg, data, steps, args.sample_every)
        results[f"train_e2e_b{batch}"] = e2e["images_per_s"]
        emit(
            {
                "config": f"train_e2e_b{batch}",
                "batch": batch,
                "sample_every": args.sample_every,
                "steps_timed": e2e["steps"],
                "images_per_s": round(e2e["images_per_s"], 1),
                # grids, metrics, events: the share of time the step itself does not take
                "bookkeeping_share": round(1 - e2e["images_per_s"] / results[key], 4),
            }
        )


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--preset", default="dcgan", help="model + recipe preset (dcgan, alyafi2020, tiny)"
    )
    p.add_argument("--batch", type=int, default=64, help="the user's batch size")
    p.add_argument(
        "--sizes", default="64,512", help="more batch sizes for our trainer ('' for none)"
    )
    p.add_argument("--seconds", type=float, default=10.0, help="timed seconds per configuration")
    p.add_argument("--steps", type=int, default=None, help="timed steps instead of seconds")
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--device", default="auto")
    p.add_argument("--compile", default="off", choices=("off", "default", "reduce-overhead"))
    p.add_argument("--n-real", type=int, default=5000, help="random uint8 patches on the device")
    p.add_argument("--sanity-steps", type=int, default=0, help="K steps of bf16 vs fp32 (0 = skip)")
    p.add_argument(
        "--end-to-end",
        action="store_true",
        help="also time the whole train() generator at the user's batch (target share < 0.1)",
    )
    p.add_argument("--sample-every", type=int, default=100, help="grid period for --end-to-end")
    p.add_argument("--smoke", action="store_true", help="CPU check: tiny preset, 3 steps each")
    args = p.parse_args()
    if args.smoke:
        args.preset, args.steps, args.warmup, args.n_real = "tiny", 3, 1, 64
        args.sanity_steps = args.sanity_steps or 6
        args.end_to_end, args.sample_every = True, 20

    device = resolve_device(args.device)
    torch.backends.cudnn.benchmark = True
    env = {
        "config": "env",
        "torch": torch.__version__,
        "python": platform.python_version(),
        "device": str(device),
        "preset": args.preset,
        "smoke": args.smoke,
    }
    if device.type == "cuda":
        env["gpu"] = torch.cuda.get_device_name(device)
    else:
        env["threads"] = torch.get_num_threads()
    emit(env)
    data = torch.randint(
        0,
        256,
        (args.n_real, 1, 128, 128),
        dtype=torch.uint8,
        generator=torch.Generator().manual_seed(0),
    ).to(device)
    results: dict[str, float] = {}

    n, sec = timed(
        plain_loop(args.preset, 64, data, device), device, args.warmup, args.seconds, args.steps
    )
    results["plain_fp32_b64"] = 64 * n / sec
    emit(
        {
            "config": "plain_fp32_b64",
            "batch": 64,
            "steps": n,
            "seconds": round(sec, 3),
            "images_per_s": round(results["plain_fp32_b64"], 1),
        }
    )

    sizes = [args.batch] + [
        int(s) for s in args.sizes.split(",") if s.strip() and int(s) != args.batch
    ]
    for batch in sizes:
        try:
            bench_batch(args, batch, data, device, results)
        except Exception as exc:  # e.g. torch.compile failing on this machine: say so, go on
            error = f"{type(exc).__name__}: {str(exc)[:300]}"
            emit({"config": f"trainer_b{batch}", "status": "failed", "error": error})
    base = results["plain_fp32_b64"]
    emit(
        {
            "config": "summary",
            **{k: round(v, 1) for k, v in results.items()},
            **{
                f"ratio_{k}": round(v / base, 3)
                for k, v in results.items()
                if k != "plain_fp32_b64"
            },
        }
    )
    if args.sanity_steps:
        cfg = preset_config(args.preset, batch_size=min(args.batch, 64), device=str(device))
        emit(sanity(cfg, data, device, args.sanity_steps))


if __name__ == "__main__":
    main()
