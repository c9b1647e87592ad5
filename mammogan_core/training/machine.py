"""The preset that fits this machine, told without importing torch (the app asks while it
builds the Train panel, and torch takes seconds to load): the paper's where a GPU is there, the
narrow `cpu` preset elsewhere. Training itself still picks the device it finds."""

from __future__ import annotations

import platform
import shutil
import sys
from pathlib import Path

from .config import DEFAULT_PRESET, PRESETS

TEST_PRESETS = ("tiny",)  # for the test suite: a user never needs them
USER_PRESETS = tuple(name for name in PRESETS if name not in TEST_PRESETS)


def has_gpu() -> bool:
    """An NVIDIA driver (Linux, Windows) or Apple silicon (macOS, MPS)."""
    if sys.platform == "darwin":
        return platform.machine() == "arm64"
    return Path("/proc/driver/nvidia/version").exists() or shutil.which("nvidia-smi") is not None


def machine_preset() -> str:
    return DEFAULT_PRESET if has_gpu() else "cpu"
