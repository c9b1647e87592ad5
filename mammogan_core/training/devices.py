"""Device choice and the speed settings that depend on it (bf16, channels_last, compile)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch

from ..errors import InputError
from .config import TrainConfig


def _build_info() -> str:
    return f"{torch.__version__}, CUDA {torch.version.cuda or 'none'}"


def resolve_device(spec: str) -> torch.device:
    """'auto' | 'cuda' | 'cuda:N' | 'mps' | 'cpu' -> a device that exists, or InputError."""
    spec = (spec or "auto").strip().lower()
    if spec == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda", torch.cuda.current_device())
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        dev = torch.device(spec)
    except RuntimeError:
        raise InputError(f"unknown device {spec!r}; use auto, cuda, cuda:N, mps or cpu") from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise InputError(
                "CUDA was requested but torch.cuda.is_available() is False "
                f"(this torch build: {_build_info()})"
            )
        index = 0 if dev.index is None else dev.index
        if index >= torch.cuda.device_count():
            raise InputError(
                f"{spec} was requested but only {torch.cuda.device_count()} CUDA "
                "device(s) are visible"
            )
        return torch.device("cuda", index)
    if dev.type == "mps" and not torch.backends.mps.is_available():
        raise InputError(
            f"MPS was requested but torch.backends.mps.is_available() is False "
            f"(this torch build: {_build_info()})"
        )
    if dev.type not in ("cuda", "mps", "cpu"):
        raise InputError(f"unsupported device {spec!r}; use auto, cuda, cuda:N, mps or cpu")
    return dev


@dataclass(frozen=True)
class SpeedPlan:
    """What the trainer will actually do on this device, with the reasons for the log."""

    amp_dtype: torch.dtype | None
    channels_last: bool
    compile_mode: str | None  # None = eager
    fused_adam: bool
    notes: tuple[str, ...]


def speed_plan(config: TrainConfig, device: torch.device) -> SpeedPlan:
    notes: list[str] = []
    cuda = device.type == "cuda"
    if device.type == "cpu" and config.device == "auto" and torch.version.cuda:
        notes.append(
            f"this torch is built for CUDA {torch.version.cuda} but no GPU is usable here (no "
            "NVIDIA driver, or no device visible): training on the CPU"
        )
    amp = None
    if config.amp == "bf16" or (config.amp == "auto" and cuda):
        if cuda and torch.cuda.is_bf16_supported():
            amp = torch.bfloat16
        elif config.amp == "bf16":
            # bf16 autocast on a CPU is many times slower than fp32 (PERFORMANCE.md).
            notes.append(f"bf16 autocast is not used on {device.type}: running in fp32")
    compile_mode = None if config.compile == "off" else config.compile
    if compile_mode == "reduce-overhead" and not cuda:
        notes.append("compile 'reduce-overhead' needs CUDA graphs: using compile 'default'")
        compile_mode = "default"
    want_cl = config.channels_last == "on" or (config.channels_last == "auto" and cuda)
    if want_cl and compile_mode:
        # torch.compile + channels_last fails in convolution_backward (PERFORMANCE.md).
        notes.append("channels_last is off because torch.compile is on")
        want_cl = False
    return SpeedPlan(amp, want_cl, compile_mode, fused_adam=cuda, notes=tuple(notes))


@dataclass(frozen=True)
class DistInfo:
    """This process's place in a torchrun job (world_size 1 = not distributed)."""

    rank: int = 0
    local_rank: int = 0
    world_size: int = 1

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def dist_from_env() -> DistInfo:
    ws = int(os.environ.get("WORLD_SIZE", "1"))
    if ws <= 1:
        return DistInfo()
    return DistInfo(int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0")), ws)


def init_distributed(dist_info: DistInfo, device_spec: str) -> torch.device:
    """Join the process group (nccl on CUDA, gloo on CPU); each rank takes cuda:LOCAL_RANK."""
    import torch.distributed as dist

    if device_spec not in ("auto", "cpu"):
        resolve_device(device_spec)  # a clear error when the requested device is absent
    use_cuda = device_spec != "cpu" and torch.cuda.is_available()
    device = torch.device("cuda", dist_info.local_rank) if use_cuda else torch.device("cpu")
    if not dist.is_initialized():
        backend = "nccl" if use_cuda else "gloo"
        if use_cuda:
            torch.cuda.set_device(device)
        dist.init_process_group(backend, rank=dist_info.rank, world_size=dist_info.world_size)
    return device
