"""A run's generator for other tools (medigan-style model packages, plain PyTorch):

    DIR/generator.pt     the generator's state dict alone: tensors in a plain dict, so
                         torch.load(path, weights_only=True) reads it without unpickling code
    DIR/config.json      what a loader needs: the architecture, the latent input, the output's
                         range and how to turn it into grey levels, the conditions (the
                         training selection: this generator is unconditional), the provenance
                         and generator.pt's sha256
    DIR/MODEL_CARD.md    the run's model card, when it has one

Torch is imported only to write one (an export plan reads packages without it).
`mammogan generate --weights DIR` (and export's --weights) read it back: the architecture comes
from config.json, so no --preset is needed, and a generator.pt that does not match its
config.json's sha256 is refused."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..atomic import atomic_open, atomic_write_json
from ..errors import InputError
from ..export.plan import file_sha256
from ..output_folder import prepare_output_folder
from ..settings import check, setting
from ..workspace import PATCH_SIZE, Workspace
from .generate_options import check_checkpoint, checkpoint_setting
from .model_card import MODEL_CARD, NORMALISATION
from .runs import find_checkpoint, read_run_config

if TYPE_CHECKING:
    from ..models import ModelSpec

GENERATOR_PT = "generator.pt"
CONFIG_JSON = "config.json"
FORMAT = "mammogan-generator"
VERSION = 1
OWNED = rf"{GENERATOR_PT}|{CONFIG_JSON}|{MODEL_CARD}"
_GROUP = "Generator"


@dataclass(frozen=True)
class GeneratorExportOptions:
    """`mammogan export-generator`'s settings."""

    run: str = setting(
        "", label="Training run", help="the run whose generator is exported", group=_GROUP
    )
    checkpoint: str = checkpoint_setting(_GROUP)
    out: str = setting(
        "",
        label="Output folder",
        help="where generator.pt, config.json and MODEL_CARD.md go",
        path="dir",
        group=_GROUP,
    )

    def __post_init__(self) -> None:
        check(self)
        check_checkpoint(self)


def export_generator(
    ws: Workspace, run_id: str, out: str | Path, which: str = "best", overwrite: bool = False
) -> dict[str, Any]:
    """Write the package of a run's checkpoint `which`; returns config.json's content."""
    import torch

    from ..models import ModelSpec
    from .checkpoints import load_checkpoint

    ckpt = find_checkpoint(ws, run_id, which)
    payload = load_checkpoint(ckpt)
    spec = ModelSpec.from_dict(payload["model"])
    state = {k: v.detach().cpu().contiguous() for k, v in payload["generator"].items()}
    folder = prepare_output_folder(out, OWNED, overwrite)
    with atomic_open(folder / GENERATOR_PT, "wb") as fh:
        torch.save(state, fh)
    train = read_run_config(ws, run_id).get("train", {})
    config = {
        "format": FORMAT,
        "version": VERSION,
        "weights": {"file": GENERATOR_PT, "sha256": file_sha256(folder / GENERATOR_PT)},
        "architecture": {
            "name": "DCGAN generator (Radford et al.), as in Alyafi, Marti and Diaz",
            # enough to rebuild it without mammogan; state dict keys model.<index>.*
            "layers": "ConvTranspose2d(latent, c[0], 4, 1, 0), then ConvTranspose2d(c[i-1], "
            "c[i], 4, 2, 1) for i >= 1, each without bias followed by BatchNorm2d and the "
            "activation; then ConvTranspose2d(c[-1], 1, 4, 2, 1) without bias and Tanh",
            "channels": [m * spec.ngf for m in spec.g_mult],
            "activation": "LeakyReLU(0.2)" if spec.g_act == "lrelu" else "ReLU",
        },
        "model": spec.to_dict(),
        "input": {
            "latent_size": spec.nz,
            "shape": [spec.nz, 1, 1],
            "distribution": "standard normal, z ~ N(0, 1)",
        },
        "output": {
            "shape": [1, PATCH_SIZE, PATCH_SIZE],
            "range": [-1.0, 1.0],
            "activation": "tanh",
            "normalisation": NORMALISATION,
        },
        "conditions": {
            "conditional": False,
            "label": train.get("label", "lesion"),
            "lesion_types": train.get("lesion_types"),
            "pathology": train.get("pathology"),
        },
        "source": {
            "run": run_id,
            "checkpoint": ws.rel(ckpt),
            "checkpoint_sha256": file_sha256(ckpt),
            "step": int(payload["step"]),
            "mammogan": __version__,
        },
        "load": "state = torch.load('generator.pt', weights_only=True); "
        "mammogan_core.models.build_generator(ModelSpec.from_dict(model)).load_state_dict(state)",
    }
    card = ws.runs_dir / run_id / MODEL_CARD
    if card.is_file():
        shutil.copyfile(card, folder / MODEL_CARD)
    atomic_write_json(folder / CONFIG_JSON, config)  # last: a package without it is unfinished
    return config


def package_of(path: str | Path) -> tuple[Path, dict[str, Any] | None]:
    """The weights file to load, and the package's config when `path` is a package folder or
    its generator.pt (None for a plain weights file, e.g. medigan's)."""
    path = Path(path).expanduser()
    folder = path if path.is_dir() else path.parent
    if path.is_dir():
        path = path / GENERATOR_PT
        if not (folder / CONFIG_JSON).is_file() or not path.is_file():
            raise InputError(
                f"not an exported generator: a folder needs {GENERATOR_PT} and {CONFIG_JSON} "
                "(mammogan export-generator writes them)",
                folder,
            )
    elif path.name != GENERATOR_PT or not (folder / CONFIG_JSON).is_file():
        return path, None
    config = _read_config(folder / CONFIG_JSON)
    if config is None:
        return path, None  # a config.json of something else beside a generator.pt
    if path.is_file() and file_sha256(path) != config["weights"]["sha256"]:
        raise InputError(
            f"{GENERATOR_PT} does not match the sha256 in {CONFIG_JSON}: the package was "
            "changed or is incomplete",
            path,
        )
    return path, config


def package_spec(config: dict[str, Any]) -> ModelSpec:
    from ..models import ModelSpec

    try:
        return ModelSpec.from_dict(config["model"])
    except TypeError as exc:
        raise InputError(f"{CONFIG_JSON}'s model is not one this version builds ({exc})") from None


def _read_config(path: Path) -> dict[str, Any] | None:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the generator's {CONFIG_JSON} ({exc})", path) from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        return None
    if config.get("version") != VERSION:
        raise InputError(
            f"a generator package of version {config.get('version')}; this mammogan reads "
            f"version {VERSION}",
            path,
        )
    return config
