"""Training metrics without a GPU sync per step (the metrics of generated samples that pick the
best checkpoint live in mammogan_core.metrics.selection).

Step statistics are summed on the device; at the end of each window (metrics_every steps) the
sums are copied to pinned host memory asynchronously and read once the copy's event has
completed, usually a window later. So the host never waits for the GPU because of metrics.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass

import torch

# r_t: E[sign D(real)], ADA's overfitting signal; aug_p: the augmentation's probability
STEP_STATS = ("loss_d", "loss_g", "d_x", "d_g_z", "r_t", "aug_p")
# the names `best_metric` can take besides the metrics of generated samples
EMA_NAMES = frozenset(f"{k}_ema" for k in STEP_STATS)
EMA_DECAY = 0.9  # per window


@dataclass
class Window:
    step: int
    epoch: int
    values: dict[str, float]


class MetricsWindows:
    _RING = 4

    def __init__(self, device: torch.device, images_per_step: int) -> None:
        self.device = device
        self.images_per_step = images_per_step
        self.cuda = device.type == "cuda"
        self.acc = torch.zeros(len(STEP_STATS), device=device)
        self.count = 0
        self._ring = [torch.empty(len(STEP_STATS), pin_memory=self.cuda) for _ in range(self._RING)]
        self._next = 0
        self._pending: deque[tuple[torch.Tensor, object, int, Window]] = deque()
        self._t_last = time.perf_counter()
        self.ema: dict[str, float] = {}

    def add(self, stats: torch.Tensor) -> None:
        self.acc.add_(stats)
        self.count += 1

    def close(self, step: int, epoch: int, extras: dict[str, float]) -> None:
        """End the current window (no sync): its values become ready later."""
        if self.count == 0:
            return
        if len(self._pending) == self._RING:
            self._pending[0][1].synchronize()  # reuse the oldest buffer only once it is read
        host = self._ring[self._next]
        self._next = (self._next + 1) % self._RING
        host.copy_(self.acc, non_blocking=self.cuda)
        event = torch.cuda.Event() if self.cuda else None
        if event is not None:
            event.record()
        now = time.perf_counter()
        ips = self.count * self.images_per_step / max(now - self._t_last, 1e-9)
        self._t_last = now
        self._pending.append(
            (host, event, self.count, Window(step, epoch, {**extras, "images_per_s": ips}))
        )
        self.acc.zero_()
        self.count = 0

    def ready(self, wait: bool = False) -> list[Window]:
        """Windows whose values have reached the host (all of them with wait=True)."""
        out: list[Window] = []
        while self._pending:
            host, event, count, win = self._pending[0]
            if event is not None and not event.query():
                if not wait:
                    break
                event.synchronize()
            self._pending.popleft()
            sums = host.tolist()
            win.values = {**{k: v / count for k, v in zip(STEP_STATS, sums)}, **win.values}
            self._update_ema(win.values)
            out.append(win)
        return out

    def reset_clock(self) -> None:
        self._t_last = time.perf_counter()

    def shift_clock(self, seconds: float) -> None:
        """Leave `seconds` (a pause) out of the current window's images/s."""
        self._t_last += seconds

    def _update_ema(self, values: dict[str, float]) -> None:
        for k in STEP_STATS:
            prev = self.ema.get(k)
            self.ema[k] = (
                values[k] if prev is None else EMA_DECAY * prev + (1 - EMA_DECAY) * values[k]
            )

    def latest(self) -> dict[str, float]:
        """EMA values as '<key>_ema' (what `best_metric` can name besides sample metrics)."""
        return {f"{k}_ema": v for k, v in self.ema.items()}
