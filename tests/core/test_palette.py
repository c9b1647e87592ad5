"""One palette for the app and the saved figures: no chart module picks a colour of its own."""

from __future__ import annotations

import re
from pathlib import Path

from mammogan_core import palette

ROOT = Path(__file__).resolve().parents[2]
CHARTS = [
    *sorted((ROOT / "app" / "evaluate_view").glob("*.py")),
    *sorted((ROOT / "app" / "experiment_view").glob("*.py")),
    ROOT / "app" / "panels" / "data_overview.py",
    ROOT / "app" / "training_view" / "curves.py",
    ROOT / "mammogan_core" / "metrics" / "figures.py",
    ROOT / "mammogan_core" / "experiment" / "plot.py",
]
HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def test_chart_modules_take_their_colours_from_the_palette():
    own = {
        str(p.relative_to(ROOT)): HEX.findall(p.read_text(encoding="utf-8"))
        for p in CHARTS
        if HEX.search(p.read_text(encoding="utf-8"))
    }
    assert own == {}, f"series colours outside mammogan_core/palette.py: {own}"


def test_real_synthetic_and_normal_look_the_same_in_every_mapping():
    assert palette.CLASS_COLOURS["lesion"] == palette.KIND_COLOURS["real_lesion"]
    assert palette.CLASS_COLOURS["synthetic"] == palette.KIND_COLOURS["synthetic_lesion"]
    assert palette.CLASS_COLOURS["normal"] == palette.KIND_COLOURS["normal"]
    assert len(set(palette.KIND_COLOURS.values())) == 3
    assert len(set(palette.MODE_COLOURS.values())) == len(palette.MODE_COLOURS)
    assert palette.rgb("#1f77b4") == (31, 119, 180)
