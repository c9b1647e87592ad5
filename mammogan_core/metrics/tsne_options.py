"""The settings of a t-SNE map (flags and forms come from these declarations; no torch and no
openTSNE here, so forms open quickly)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError
from ..lesion_types import lesion_types_setting
from ..settings import DEFAULT, check, fields_of, setting
from ..training.config import device_setting
from ..workspace import PATCH_SIZE
from .options import DEFAULT_SAMPLES

_MAP, _SPEED = "Map", "Speed"
JOINT, FROZEN = "joint", "frozen"
FROZEN_NOTE = (
    "frozen placement: the synthetic lesions were placed into a finished map of the real "
    "patches, each beside its nearest real points, so this map cannot show a synthetic set "
    "unlike every real lesion (build it with the joint placement to see that)"
)


@dataclass(frozen=True)
class TsneOptions:
    synthetic: int = setting(
        DEFAULT_SAMPLES,
        label="Synthetic lesions",
        help="synthetic patches drawn from the checkpoint and mapped with the real ones",
        lo=0,
        unit="patches",
        group=_MAP,
    )
    lesion_types: tuple[str, ...] | None = lesion_types_setting(
        "map as real lesions (normal patches are all mapped)", _MAP
    )
    placement: str = setting(
        JOINT,
        label="Synthetic points",
        help="joint: the synthetic lesions are optimised together with the real lesions and "
        "a sample of normal tissue (the seed's map: a synthetic set unlike the real lesions "
        "shows apart); frozen: placed into a finished map of the real patches (faster, but "
        "each lands beside its nearest real points, so it cannot show such a set apart)",
        choices=(JOINT, FROZEN),
        group=_MAP,
    )
    seed: int = setting(
        0,
        label="Random seed",
        help="seeds the synthetic samples, the first map's sample of patches and the layout",
        lo=0,
        hi=2**31 - 1,
        group=_MAP,
    )
    perplexity: float = setting(
        30.0,
        label="Perplexity",
        help="about how many neighbours each point keeps close (lowered on small sets)",
        lo=2,
        hi=500,
        decimals=1,
        group=_MAP,
        advanced=True,
    )
    feature_size: int = setting(
        32,
        label="Feature size",
        help="patches are averaged down to this size (it divides 128) before PCA to 50 dimensions",
        lo=4,
        hi=PATCH_SIZE,
        unit="px",
        group=_MAP,
        advanced=True,
    )
    first_map_lesions: int = setting(
        20_000,
        label="Lesions in the first map",
        help="real lesions optimised together in the first map (all of them up to this "
        "count, else an even sample over lesion types); the rest are placed into it",
        lo=10,
        unit="patches",
        group=_SPEED,
        advanced=True,
    )
    first_map_normals: int = setting(
        5000,  # with 10K lesions: a 15K-point first map, about 40 s on two cores
        label="Normal patches in the first map",
        help="normal tissue patches in the first map, sampled evenly over the images; the "
        "rest are placed into it",
        lo=0,
        unit="patches",
        group=_SPEED,
        advanced=True,
    )
    early_iter: int = setting(
        250,
        label="Early iterations",
        help="first-map iterations with exaggerated attraction (clusters form)",
        lo=0,
        group=_SPEED,
        advanced=True,
    )
    n_iter: int = setting(
        500,
        label="Iterations",
        help="first-map iterations after the early ones",
        lo=1,
        group=_SPEED,
        advanced=True,
    )
    place_iter: int = setting(
        100,
        label="Placing iterations",
        help="iterations that settle the points added to the first map (the real points "
        "left out of it, then the synthetic ones)",
        lo=0,
        group=_SPEED,
        advanced=True,
    )
    chunk: int = setting(
        50,
        label="Iterations per frame",
        help="iterations between two progress reports and pictures of the map",
        lo=1,
        group=_SPEED,
        advanced=True,
    )
    threads: int | None = setting(
        None,
        label="Threads",
        help="CPU threads of the t-SNE (default: all cores)",
        lo=1,
        none=DEFAULT,
        group=_SPEED,
        advanced=True,
    )
    device: str = device_setting(_MAP)

    def __post_init__(self) -> None:
        check(self)
        if PATCH_SIZE % self.feature_size:
            raise InputError(
                f"{_FIELDS['feature_size'].describe()}: must divide {PATCH_SIZE}, "
                f"not {self.feature_size}"
            )


_FIELDS = {sf.name: sf for sf in fields_of(TsneOptions)}
