"""DCGAN generator and discriminator for 128 x 128 single-channel patches.

Both are parameterised by a channel plan so that one class covers the seed's architecture
(`alyafi2020`), the classic DCGAN of the reference benchmark (`dcgan`) and the small CPU
preset (`tiny`). Module indices matter: the generator is `self.model = nn.Sequential(...)` in
the authors' order, so published state dicts (keys `model.N.*`) load with strict=True.
"""

from __future__ import annotations

import itertools

import torch
from torch import nn


def _act(kind: str) -> nn.Module:
    # In-place activations: they follow BatchNorm, whose output autograd does not need.
    return nn.LeakyReLU(0.2, inplace=True) if kind == "lrelu" else nn.ReLU(inplace=True)


class Generator(nn.Module):
    """z (N x nz x 1 x 1) -> ConvT k4 s1 p0 to 4x4, then five ConvT k4 s2 p1 to 128x128, Tanh.

    `channels` are the five hidden widths (4x4 ... 64x64); every hidden layer is
    ConvT -> BatchNorm -> activation (a triple, so layer i's ConvT is `model.{3i}`).
    """

    def __init__(self, nz: int, channels: tuple[int, ...], act: str = "lrelu", nc: int = 1):
        super().__init__()
        self.nz = nz
        layers: list[nn.Module] = []
        cin = nz
        for i, cout in enumerate(channels):
            k, s, p = (4, 1, 0) if i == 0 else (4, 2, 1)
            layers += [
                nn.ConvTranspose2d(cin, cout, k, s, p, bias=False),
                nn.BatchNorm2d(cout),
                _act(act),
            ]
            cin = cout
        layers += [nn.ConvTranspose2d(cin, nc, 4, 2, 1, bias=False), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.model(z)


class Discriminator(nn.Module):
    """128x128 -> Conv(1 -> c0, k4 s2 p1) + LeakyReLU, then Conv(k, s2, p) + BN + LeakyReLU per
    remaining width (64 -> 4 px), then Conv(c_last -> 1, k4 s1 p0): one logit per image.

    No Sigmoid: the loss is BCEWithLogits, which is safe under autocast. The seed used k6 p2
    for the inner convolutions, the classic DCGAN k4 p1 (both halve the size)."""

    def __init__(self, channels: tuple[int, ...], inner_kernel: int = 6, nc: int = 1):
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

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.main(x).view(-1)


@torch.no_grad()
def init_weights(module: nn.Module, generator: torch.Generator | None = None) -> None:
    """DCGAN init: conv weights N(0, 0.02); BatchNorm weight N(1, 0.02), bias 0."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            m.weight.normal_(0.0, 0.02, generator=generator)
        elif isinstance(m, nn.BatchNorm2d):
            m.weight.normal_(1.0, 0.02, generator=generator)
            m.bias.zero_()
