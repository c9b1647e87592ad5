"""The settings of `mammogan evaluate` and `mammogan metrics` (flags and forms come from these
declarations; no torch here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InputError
from ..settings import check, fields_of, setting
from ..training.config import device_setting
from ..training.generate_options import check_checkpoint, checkpoint_setting

_SOURCE, _MEASURE = "Source", "Measurement"
DEFAULT_SAMPLES = 2000  # the seed's FID sample count


def inception_weights_setting(group: str) -> Any:
    return setting(
        "",
        label="Inception weights",
        help="the FID Inception-v3 weights file (pytorch-fid's pt_inception-2015-12-05-6726825d"
        ".pth or torch-fidelity's); without it, the file last chosen in the app's Evaluate panel "
        "(a flag is never stored); without any, FID is skipped and the other metrics still run",
        path="file",
        group=group,
    )


def _seed() -> Any:
    return setting(
        0,
        label="Random seed",
        help="seeds the synthetic samples and the metrics' subsets",
        lo=0,
        hi=2**31 - 1,
        group=_MEASURE,
    )


@dataclass(frozen=True)
class EvaluateOptions:
    run: str = setting(
        "", label="Training run", help="a training run of the workspace", group=_SOURCE
    )
    checkpoint: str = checkpoint_setting(_SOURCE)
    n: int = setting(
        DEFAULT_SAMPLES,
        label="Synthetic samples",
        help="synthetic patches generated and compared with the run's training patches",
        lo=10,
        unit="patches",
        group=_MEASURE,
    )
    inception_weights: str = inception_weights_setting(_MEASURE)
    tsne: bool = setting(
        False,
        label="t-SNE map",
        help="also map the synthetic patches among the workspace's real lesions and normal "
        "tissue (a t-SNE map, saved in the report folder with its picture)",
        group=_MEASURE,
    )
    seed: int = _seed()
    device: str = device_setting(_MEASURE)

    def __post_init__(self) -> None:
        check(self)
        check_checkpoint(self)

    def require_run(self) -> None:
        if not self.run:
            raise InputError(f"{_FIELDS['run'].describe()}: name the training run to evaluate")


@dataclass(frozen=True)
class MetricsOptions:
    real_dir: str = setting(
        "", label="Real images", help="folder of real images", positional=True, path="dir"
    )
    fake_dir: str = setting(
        "",
        label="Synthetic images",
        help="folder of synthetic images (PNG, TIFF, PGM or DICOM)",
        positional=True,
        path="dir",
    )
    inception_weights: str = inception_weights_setting(_MEASURE)
    seed: int = _seed()
    device: str = device_setting(_MEASURE)

    def __post_init__(self) -> None:
        check(self)


_FIELDS = {sf.name: sf for sf in fields_of(EvaluateOptions)}
