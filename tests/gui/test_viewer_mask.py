"""The viewer's breast-mask overlay is the mask the workspace's extraction uses: on a film
phantom, the automatic mask by default, the seed's `> 0` after a `--mask threshold` extraction."""

from __future__ import annotations

import numpy as np
import pytest

from mammogan_core.control import Control
from mammogan_core.extraction import ExtractParams
from mammogan_core.extraction.params import META_KEY
from mammogan_core.importing import import_dataset
from mammogan_core.phantom import generate_film_corpus
from mammogan_core.runner import drive


@pytest.fixture
def viewer(qtbot, workspace, tmp_path):
    from app.viewer import MammogramViewer

    drive(generate_film_corpus(tmp_path / "film", 1, 0))
    drive(import_dataset(workspace, tmp_path / "film", "mias", None, Control()))
    v = MammogramViewer()
    qtbot.addWidget(v)
    v.set_workspace(workspace)
    v.show()
    return v


def shown_mask(qtbot, viewer) -> np.ndarray:
    with qtbot.waitSignal(viewer.loader.loaded, timeout=10_000) as sig:
        viewer.show_image(1)
    return sig.args[1]["mask"].full()


@pytest.mark.parametrize("mask", ["auto", "threshold"])
def test_overlay_mask_follows_the_extraction_options(qtbot, viewer, workspace, mask) -> None:
    if mask == "threshold":
        with workspace.transaction() as c:
            c.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                (META_KEY, ExtractParams(mask="threshold").to_json()),
            )
    shown = shown_mask(qtbot, viewer)
    # the film's noisy background is above 0 almost everywhere: the seed's rule takes it all
    assert (shown.mean() > 0.95) == (mask == "threshold")
    assert len(viewer.canvas.overlays.items["mask"]) == 1
