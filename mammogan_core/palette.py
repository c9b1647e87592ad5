"""The colours of every chart, in the app and in the saved figures alike, so that a mode, a
real or a synthetic lesion looks the same wherever a person meets it (the study's PNG and its
plot in the app once differed). Real lesions are blue, synthetic ones red and normal tissue
grey everywhere; the study's controls sit beside their tested mode in hue: Oversample (purple,
brown) against GAN (green, red)."""

from __future__ import annotations

from collections.abc import Sequence

REAL_LESION, SYNTHETIC, NORMAL = "#1f77b4", "#d62728", "#9a9a9a"
UNLABELLED = "#6c7a89"  # one series with no class (findings by type)
INK = "#222222"  # text, and a threshold drawn over the data

# a patch class (the catalogue's labels) and a point of the t-SNE map
CLASS_COLOURS = {"lesion": REAL_LESION, "normal": NORMAL, "synthetic": SYNTHETIC}
KIND_COLOURS = {"normal": NORMAL, "synthetic_lesion": SYNTHETIC, "real_lesion": REAL_LESION}

MODE_COLOURS = {
    "ORG": "#1f77b4",
    "AugORG": "#ff7f0e",
    "Oversample": "#9467bd",
    "AugOversample": "#8c564b",
    "GAN": "#2ca02c",
    "AugGAN": "#d62728",
}
OTHER_COLOURS = ("#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
# categories without a colour of their own (lesion types, runs), in this order
CYCLE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf")


# the Train panel's live curves: the real/generated pair as real/synthetic everywhere
CURVE_COLOURS = {
    "loss_d": CYCLE[3],
    "loss_g": CYCLE[0],
    "d_x": REAL_LESION,
    "d_g_z": SYNTHETIC,
    "r_t": CYCLE[4],
    "aug_p": CYCLE[7],
}


def cycle_colour(i: int) -> str:
    return CYCLE[i % len(CYCLE)]


def mode_colour(mode: str, modes: Sequence[str] = ()) -> str:
    """The mode's colour; a mode of no known name takes the next of OTHER_COLOURS in `modes`."""
    if mode in MODE_COLOURS:
        return MODE_COLOURS[mode]
    others = [m for m in modes if m not in MODE_COLOURS]
    index = others.index(mode) if mode in others else 0
    return OTHER_COLOURS[index % len(OTHER_COLOURS)]


def rgb(colour: str) -> tuple[int, int, int]:
    """'#rrggbb' as an (r, g, b) tuple (Pillow)."""
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
