"""Safe loading of state dicts and checkpoints: `torch.load(weights_only=True)` only.

A weights file from the internet (e.g. medigan's `malign_mass_gen`) is untrusted: plain
unpickling would run any code it carries. weights_only refuses everything but tensors and
plain containers, and we turn that refusal into an InputError that names the file.
"""

from __future__ import annotations

import pickle
import warnings
import zipfile
from pathlib import Path
from typing import Any

import torch

from ..errors import InputError
from .dcgan import Generator
from .presets import build_generator, model_spec


def read_state_file(path: str | Path) -> dict[str, Any]:
    """The dict stored in a torch file, loaded without running any code from it."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such weights file", path)
    if not _torch_file(path):
        raise InputError(
            "not a PyTorch checkpoint or state dict (neither torch.save's zip format nor its "
            "older pickle format)",
            path,
        )
    try:
        with warnings.catch_warnings():  # e.g. "pickle protocol 4": the refusal below says more
            warnings.simplefilter("ignore", UserWarning)
            obj = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        raise InputError(
            "refused: the file is not a plain state dict (it holds Python objects or code that "
            "would run when unpickled; only tensors and plain containers are accepted): "
            + _refusal_reason(str(exc)),
            path,
        ) from None
    except (
        RuntimeError,
        EOFError,
        OSError,
        ValueError,
        KeyError,
        IndexError,
        zipfile.BadZipFile,
    ) as exc:
        raise InputError(
            f"not a readable PyTorch weights file ({type(exc).__name__}: {exc})", path
        ) from None
    if not isinstance(obj, dict):
        raise InputError(f"expected a state dict, found a {type(obj).__name__}", path)
    return obj


def _torch_file(path: Path) -> bool:
    """torch.save writes a zip archive (since torch 1.6) or, before, a pickle (protocol 2+
    starts with the PROTO opcode 0x80)."""
    if zipfile.is_zipfile(path):
        return True
    with open(path, "rb") as fh:
        return fh.read(1) == b"\x80"


def _refusal_reason(message: str) -> str:
    """The line of torch's long refusal that names what was refused (e.g. a GLOBAL)."""
    lines = [ln.strip() for ln in message.splitlines() if ln.strip()]
    for ln in lines:
        if "GLOBAL" in ln or ln.startswith("Unsupported"):
            return ln
    return lines[-1] if lines else "unpickling refused"


def generator_state(obj: dict[str, Any], path: str | Path) -> dict[str, torch.Tensor]:
    """A raw generator state dict, or the one under 'generator' / 'state_dict'."""
    for key in ("generator", "state_dict"):
        if isinstance(obj.get(key), dict):
            obj = obj[key]
            break
    if not obj or not all(
        isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in obj.items()
    ):
        raise InputError(
            "the file holds no state dict of tensors (nor a 'generator' or "
            "'state_dict' entry with one)",
            path,
        )
    return obj


def load_generator_weights(
    path: str | Path, preset: str = "alyafi2020", **overrides: int | None
) -> Generator:
    """A generator of `preset` (with nz/ngf/ndf overrides) holding the file's weights, in eval
    mode on the CPU. strict=True: a file for another architecture is refused with the keys
    that do not fit."""
    state = generator_state(read_state_file(path), path)
    g = build_generator(model_spec(preset, **overrides))
    load_state_strict(g, state, path, preset)
    return g.eval()


def load_state_strict(
    module: torch.nn.Module, state: dict[str, torch.Tensor], path: str | Path, what: str
) -> None:
    try:
        module.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        detail = " ".join(str(exc).split())
        raise InputError(
            f"the weights do not fit the {what} generator: {detail[:600]}", path
        ) from None
