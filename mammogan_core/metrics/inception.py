"""The FID Inception-v3 as a feature extractor: 2048-d pool features of grey patches, with
pytorch-fid's preprocessing (grey copied to 3 channels, values / 255, bilinear resize to 299 x 299
with align_corners=False, then 2x - 1), so that its FID matches pytorch-fid's on the same images.

Weights: the published state dicts of the TensorFlow 2015-12-05 graph, pytorch-fid's
`pt_inception-2015-12-05-6726825d.pth` and torch-fidelity's `weights-inception-2015-12-05-
6726825d.pth` (the same key names, torchvision's; BatchNorm's `num_batches_tracked` may be
absent), read with torch.load(weights_only=True): nothing in the file is ever run.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import InputError
from ..models import read_state_file
from .inception_blocks import (
    BasicConv2d,
    FIDInceptionA,
    FIDInceptionC,
    FIDInceptionE,
    InceptionB,
    InceptionD,
)

NAME = "inception-v3-fid"
DIMS = 2048
INPUT_SIZE = 299
WEIGHTS_URL = (
    "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/"
    "pt_inception-2015-12-05-6726825d.pth"
)
# sha256 of the published file (pytorch-fid's release; torch-fidelity's copy is byte-identical,
# 95,628,359 bytes; the file names' 6726825d is its first eight hex digits)
PUBLISHED_SHA256 = "6726825d0af5f729cebd5821db510b11b1cfad8faad88a03f1befd49fb9129b2"
NO_WEIGHTS_NOTE = (
    "FID needs the Inception-v3 weights file pt_inception-2015-12-05-6726825d.pth (pytorch-fid's, "
    f"91 MB: {WEIGHTS_URL}; torch-fidelity's weights-inception-2015-12-05-6726825d.pth works too): "
    "download it once and give --inception-weights FILE, or choose it once in the app's "
    "Evaluate panel (which remembers it)"
)


def custom_weights_label(sha256: str) -> str | None:
    """None for the published weights; else what every FID from this file is labelled."""
    if sha256 == PUBLISHED_SHA256:
        return None
    return f"custom weights (sha256 {sha256[:16]}…): not comparable with published FIDs"


class FIDInceptionV3(nn.Module):
    """pytorch-fid's InceptionV3(output_blocks=[3]) with its FID blocks; the classifier `fc`
    is kept only so that the published files load strictly."""

    def __init__(self) -> None:
        super().__init__()
        self.Conv2d_1a_3x3 = BasicConv2d(3, 32, kernel_size=3, stride=2)
        self.Conv2d_2a_3x3 = BasicConv2d(32, 32, kernel_size=3)
        self.Conv2d_2b_3x3 = BasicConv2d(32, 64, kernel_size=3, padding=1)
        self.Conv2d_3b_1x1 = BasicConv2d(64, 80, kernel_size=1)
        self.Conv2d_4a_3x3 = BasicConv2d(80, 192, kernel_size=3)
        self.Mixed_5b = FIDInceptionA(192, pool_features=32)
        self.Mixed_5c = FIDInceptionA(256, pool_features=64)
        self.Mixed_5d = FIDInceptionA(288, pool_features=64)
        self.Mixed_6a = InceptionB(288)
        self.Mixed_6b = FIDInceptionC(768, channels_7x7=128)
        self.Mixed_6c = FIDInceptionC(768, channels_7x7=160)
        self.Mixed_6d = FIDInceptionC(768, channels_7x7=160)
        self.Mixed_6e = FIDInceptionC(768, channels_7x7=192)
        self.Mixed_7a = InceptionD(768)
        self.Mixed_7b = FIDInceptionE(1280, max_pool=False)
        self.Mixed_7c = FIDInceptionE(2048, max_pool=True)
        self.fc = nn.Linear(2048, 1008)

    def forward(self, images_u8: torch.Tensor) -> torch.Tensor:
        """N x 1 x H x W uint8 -> N x 2048 pool features."""
        x = images_u8.float().div(255.0).expand(-1, 3, -1, -1)
        x = F.interpolate(x, size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear", align_corners=False)
        x = 2 * x - 1
        x = self.Conv2d_2b_3x3(self.Conv2d_2a_3x3(self.Conv2d_1a_3x3(x)))
        x = F.max_pool2d(x, kernel_size=3, stride=2)
        x = self.Conv2d_4a_3x3(self.Conv2d_3b_1x1(x))
        x = F.max_pool2d(x, kernel_size=3, stride=2)
        for name in ("5b", "5c", "5d", "6a", "6b", "6c", "6d", "6e", "7a", "7b", "7c"):
            x = getattr(self, f"Mixed_{name}")(x)
        return F.adaptive_avg_pool2d(x, 1).flatten(1)


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fit_state(state: dict[str, torch.Tensor], model: nn.Module, path: str | Path) -> dict:
    """The published dict in `model`'s layout: BatchNorm's step counters (unused in eval) are
    optional; any other missing, extra or misshapen key is an error naming the file."""
    expected = model.state_dict()
    state = {k.removeprefix("module."): v for k, v in state.items()}
    for key, value in expected.items():
        if key.endswith("num_batches_tracked") and key not in state:
            state[key] = torch.zeros_like(value)
    missing = sorted(set(expected) - set(state))
    extra = sorted(set(state) - set(expected))
    wrong = sorted(
        k for k in set(expected) & set(state) if tuple(state[k].shape) != tuple(expected[k].shape)
    )
    if missing or extra or wrong:
        parts = [
            f"{what}: {', '.join(keys[:4])}{' ...' if len(keys) > 4 else ''}"
            for what, keys in (("missing", missing), ("unexpected", extra), ("shape", wrong))
            if keys
        ]
        raise InputError(
            "not an FID Inception-v3 state dict (pt_inception-2015-12-05 layout); "
            + "; ".join(parts),
            path,
        )
    return state


def load_inception(path: str | Path) -> tuple[FIDInceptionV3, str]:
    """The model with the weights of `path` (eval mode) and the file's sha256."""
    path = Path(path).expanduser()
    obj = read_state_file(path)
    if isinstance(obj.get("state_dict"), dict):
        obj = obj["state_dict"]
    model = FIDInceptionV3()
    model.load_state_dict(fit_state(obj, model, path), strict=True)
    return model.eval().requires_grad_(False), sha256_of(path)
