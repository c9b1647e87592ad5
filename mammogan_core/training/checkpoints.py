"""Checkpoint files: atomic save, safe load, keep-last-N + best, and an index for humans/GUI.

Everything stored is loadable with torch.load(weights_only=True): tensors, dicts, lists, ints,
floats, strings. NumPy's and Python's RNG states are converted to such values.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..atomic import atomic_open, atomic_write_json
from ..errors import InputError
from ..models import read_state_file
from .runs import CKPT_RE, ckpt_name


def global_rng_state() -> dict[str, Any]:
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state: dict[str, Any] = {
        "torch_cpu": torch.get_rng_state(),
        "numpy": [
            kind,
            torch.from_numpy(keys.astype(np.int64)),
            int(pos),
            int(has_gauss),
            float(cached),
        ],
        "python": list(random.getstate()[1]),
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_global_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch_cpu"])
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    random.setstate((3, tuple(state["python"]), None))
    if (
        "cuda" in state
        and torch.cuda.is_available()
        and len(state["cuda"]) == torch.cuda.device_count()
    ):
        torch.cuda.set_rng_state_all(state["cuda"])


def save_checkpoint(path: Path, payload: dict[str, Any]) -> None:
    with atomic_open(path, "wb") as fh:
        torch.save(payload, fh)


def load_checkpoint(path: str | Path) -> dict[str, Any]:
    payload = read_state_file(path)
    if payload.get("format") != "mammogan-checkpoint":
        raise InputError("not a MammoGAN training checkpoint", path)
    return payload


class CheckpointFolder:
    """`<run>/checkpoints/`: ckpt_step*.pt (last `keep_last`), best.pt, checkpoints.json."""

    def __init__(self, folder: Path, keep_last: int, best_mode: str) -> None:
        self.folder = folder
        self.keep_last = keep_last
        self.best_mode = best_mode
        self.best: dict[str, Any] | None = None  # {"step", "value", "metric"}

    def steps(self) -> list[int]:
        if not self.folder.is_dir():
            return []
        return sorted(
            int(m.group(1)) for p in self.folder.iterdir() if (m := CKPT_RE.match(p.name))
        )

    def path(self, step: int) -> Path:
        return self.folder / ckpt_name(step)

    def save(self, step: int, payload: dict[str, Any], metric: str, value: float | None) -> Path:
        path = self.path(step)
        better = value is not None and (
            self.best is None
            or self.best.get("value") is None
            or (
                value < self.best["value"]
                if self.best_mode == "min"
                else value > self.best["value"]
            )
        )
        if better:
            self.best = {"step": step, "value": value, "metric": metric}
        save_checkpoint(path, {**payload, "best": self.best})
        if better:
            self._link_best(path)
        for old in self.steps()[: -self.keep_last]:
            with contextlib.suppress(FileNotFoundError):
                self.path(old).unlink()
        self._write_index(metric)
        return path

    def _link_best(self, path: Path) -> None:
        tmp = self.folder / ".best.pt.tmp"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        try:
            os.link(path, tmp)
        except OSError:  # no hard links on this filesystem
            shutil.copyfile(path, tmp)
        os.replace(tmp, self.folder / "best.pt")

    def _write_index(self, metric: str) -> None:
        entries = [{"step": s, "path": ckpt_name(s)} for s in self.steps()]
        atomic_write_json(
            self.folder / "checkpoints.json",
            {
                "checkpoints": entries,
                "last": entries[-1]["path"] if entries else None,
                "best": self.best and {**self.best, "path": "best.pt"},
                "best_metric": metric,
            },
        )

    def latest(self) -> tuple[Path, dict[str, Any]] | None:
        """The newest checkpoint that loads (a damaged newest one is skipped)."""
        for step in reversed(self.steps()):
            try:
                return self.path(step), load_checkpoint(self.path(step))
            except InputError:
                continue
        return None
