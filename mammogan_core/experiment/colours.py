"""One colour per mode, shared by the study's PNG (plot.py) and the app's plot, so a mode looks
the same in both whichever subset of modes a study runs. Controls sit beside their tested mode
in hue: Oversample (purple, brown) against GAN (green, red)."""

from __future__ import annotations

from collections.abc import Sequence

MODE_COLOURS = {
    "ORG": "#1f77b4",
    "AugORG": "#ff7f0e",
    "Oversample": "#9467bd",
    "AugOversample": "#8c564b",
    "GAN": "#2ca02c",
    "AugGAN": "#d62728",
}
OTHER_COLOURS = ("#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


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
