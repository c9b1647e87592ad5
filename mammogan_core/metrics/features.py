"""Feature extractors: the FID Inception-v3 (from a weights file) and a weights-free one.

The weights-free extractor is a fixed random convolutional network: five 3 x 3 stride-2 conv +
ReLU stages (16 to 256 channels) whose weights are drawn from a fixed seed, with the global mean
of stages 3-5 as features (448-d). Why: it needs no download, is identical on every machine (the
weights' sha256 is recorded like a weights file's), sees texture at several scales (unlike raw
pixels, for which a small shift is a large distance), and runs at thousands of patches per second
on a CPU. Randomly initialised networks are a recognised embedding for fidelity and diversity
metrics in domains far from ImageNet (Naeem et al., ICML 2020). Its numbers are comparable
between runs of this project, not with published Inception figures.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..control import Control

RANDOM_NAME = "random-conv-v1"
RANDOM_SEED = 20240601
_WIDTHS = (16, 32, 64, 128, 256)
_POOLED_STAGES = (2, 3, 4)


class RandomConvNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        gen = torch.Generator().manual_seed(RANDOM_SEED)
        self.convs = nn.ModuleList()
        cin = 1
        for cout in _WIDTHS:
            conv = nn.Conv2d(cin, cout, 3, stride=2, padding=1)
            with torch.no_grad():  # He-normal: activations keep their scale through the stages
                conv.weight.copy_(torch.randn(conv.weight.shape, generator=gen))
                conv.weight.mul_((2.0 / (cin * 9)) ** 0.5)
                conv.bias.zero_()
            self.convs.append(conv)
            cin = cout
        self.requires_grad_(False).eval()

    def forward(self, images_u8: torch.Tensor) -> torch.Tensor:
        """N x 1 x H x W uint8 -> N x 448."""
        x = images_u8.float().div(127.5).sub(1.0)
        pooled = []
        for i, conv in enumerate(self.convs):
            x = F.relu(conv(x))
            if i in _POOLED_STAGES:
                pooled.append(x.mean(dim=(2, 3)))
        return torch.cat(pooled, 1)

    def sha256(self) -> str:
        digest = hashlib.sha256()
        for tensor in self.state_dict().values():
            digest.update(tensor.numpy().tobytes())
        return digest.hexdigest()


@dataclass
class Extractor:
    """A feature extractor and its provenance (stored beside every metric computed with it)."""

    name: str
    sha256: str
    model: nn.Module
    batch: int

    def provenance(self) -> dict[str, str]:
        return {"extractor": self.name, "weights_sha256": self.sha256}


def random_extractor() -> Extractor:
    net = RandomConvNet()
    return Extractor(RANDOM_NAME, net.sha256(), net, batch=64)


def inception_extractor(path: str) -> Extractor:
    from .inception import NAME, load_inception

    model, digest = load_inception(path)
    return Extractor(NAME, digest, model, batch=32)


def extract(
    ex: Extractor,
    images: np.ndarray,
    device: torch.device | str = "cpu",
    control: Control | None = None,
) -> np.ndarray:
    """N x H x W uint8 -> N x D float32 features, in batches (stop requests between them)."""
    model = ex.model.to(device)
    out = []
    with torch.inference_mode():
        for start in range(0, len(images), ex.batch):
            if control is not None:
                control.check()
            batch = torch.from_numpy(np.ascontiguousarray(images[start : start + ex.batch]))
            out.append(model(batch.unsqueeze(1).to(device)).float().cpu().numpy())
    dims = out[0].shape[1] if out else 0
    return np.concatenate(out) if out else np.zeros((0, dims), np.float32)


def flips(images: np.ndarray) -> dict[str, np.ndarray]:
    """The four flips of N x H x W images a trainer with random flips may have shown G."""
    return {
        "none": images,
        "h": images[:, :, ::-1],
        "v": images[:, ::-1, :],
        "hv": images[:, ::-1, ::-1],
    }
