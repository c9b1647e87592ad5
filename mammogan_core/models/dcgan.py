"""DCGAN generator and discriminator for 128 x 128 single-channel patches.

Both are parameterised by a channel plan so that one class covers the seed's architecture
(`alyafi2020`), the classic DCGAN of the reference benchmark (`dcgan`) and the small CPU
preset (`tiny`). Module indices matter: the generator is `self.model = nn.Sequential(...)` in
the authors' order, so published state dicts (keys `model.N.*`) load with strict=True.

Two options leave the seed's modules as they are and add their own:
- `upsample="resize"`: each 2x step is a nearest-neighbour resize then a 3 x 3 convolution
  instead of a stride-2 transposed convolution, whose uneven kernel overlap paints a
  checkerboard (Odena et al. 2016, "Deconvolution and checkerboard artifacts");
- `conditions` (the vocabulary, e.g. 'mass/malignant'): a conditional pair. G concatenates a learned embedding of the class to z;
  D adds the projection term <embed(y), sum of its last features> to its logit (Miyato &
  Koyama 2018, "cGANs with projection discriminator").
"""

from __future__ import annotations

import itertools

import torch
from torch import nn


def _act(kind: str) -> nn.Module:
    # In-place activations: they follow BatchNorm, whose output autograd does not need.
    return nn.LeakyReLU(0.2, inplace=True) if kind == "lrelu" else nn.ReLU(inplace=True)


def _up(cin: int, cout: int, mode: str) -> nn.Module:
    """A 2x upsampling layer (one module, so that layer i stays `model.{3i}`)."""
    if mode == "resize":
        return nn.Sequential(
            nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(cin, cout, 3, 1, 1, bias=False)
        )
    if mode == "transposed":
        return nn.ConvTranspose2d(cin, cout, 4, 2, 1, bias=False)
    raise ValueError(f"unknown upsampling {mode!r} (transposed or resize)")


class Generator(nn.Module):
    """z (N x nz x 1 x 1) -> ConvT k4 s1 p0 to 4x4, then five 2x upsamplings to 128x128, Tanh.

    `channels` are the five hidden widths (4x4 ... 64x64); every hidden layer is
    upsampling -> BatchNorm -> activation (a triple, so layer i's upsampling is `model.{3i}`).
    """

    def __init__(
        self,
        nz: int,
        channels: tuple[int, ...],
        act: str = "lrelu",
        nc: int = 1,
        upsample: str = "transposed",
        conditions: tuple[str, ...] = (),
    ):
        super().__init__()
        self.nz = nz
        self.conditions = conditions  # the vocabulary: class k is conditions[k]
        self.n_classes = n_classes = len(conditions)
        layers: list[nn.Module] = []
        cin = nz * (2 if n_classes else 1)
        for i, cout in enumerate(channels):
            first = nn.ConvTranspose2d(cin, cout, 4, 1, 0, bias=False)
            layers += [first if i == 0 else _up(cin, cout, upsample), nn.BatchNorm2d(cout)]
            layers.append(_act(act))
            cin = cout
        layers += [_up(cin, nc, upsample), nn.Tanh()]
        self.model = nn.Sequential(*layers)
        if n_classes:
            self.embed = nn.Embedding(n_classes, nz)

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if self.n_classes:
            if y is None:
                raise ValueError("a conditional generator needs the class of every sample")
            z = torch.cat([z, self.embed(y).view(-1, self.nz, 1, 1).to(z.dtype)], 1)
        return self.model(z)


class Discriminator(nn.Module):
    """128x128 -> Conv(1 -> c0, k4 s2 p1) + LeakyReLU, then Conv(k, s2, p) + BN + LeakyReLU per
    remaining width (64 -> 4 px), then Conv(c_last -> 1, k4 s1 p0): one logit per image.

    No Sigmoid: the loss is BCEWithLogits, which is safe under autocast. The seed used k6 p2
    for the inner convolutions, the classic DCGAN k4 p1 (both halve the size)."""

    def __init__(
        self, channels: tuple[int, ...], inner_kernel: int = 6, nc: int = 1, n_classes: int = 0
    ):
        super().__init__()
        pad = (inner_kernel - 2) // 2
        layers: list[nn.Module] = [nn.Conv2d(nc, channels[0], 4, 2, 1, bias=False), _act("lrelu")]
        for cin, cout in itertools.pairwise(channels):
            layers += [
                nn.Conv2d(cin, cout, inner_kernel, 2, pad, bias=False),
                nn.BatchNorm2d(cout),
                _act("lrelu"),
            ]
        layers += [nn.Conv2d(channels[-1], 1, 4, 1, 0, bias=False)]
        self.main = nn.Sequential(*layers)
        self.n_classes = n_classes
        if n_classes:
            self.embed = nn.Embedding(n_classes, channels[-1])

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if not self.n_classes:
            return self.main(x).view(-1)
        if y is None:
            raise ValueError("a conditional discriminator needs the class of every image")
        h = self.main[:-1](x)
        proj = (self.embed(y).to(h.dtype) * h.sum((2, 3))).sum(1)
        return self.main[-1](h).view(-1) + proj


@torch.no_grad()
def init_weights(module: nn.Module, generator: torch.Generator | None = None) -> None:
    """DCGAN init: conv weights N(0, 0.02); BatchNorm weight N(1, 0.02), bias 0; class
    embeddings N(0, 1) in G (like z), N(0, 0.02) in D (a small projection term at first)."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            m.weight.normal_(0.0, 0.02, generator=generator)
        elif isinstance(m, nn.BatchNorm2d):
            m.weight.normal_(1.0, 0.02, generator=generator)
            m.bias.zero_()
        elif isinstance(m, nn.Embedding):
            m.weight.normal_(
                0.0, 1.0 if isinstance(module, Generator) else 0.02, generator=generator
            )
