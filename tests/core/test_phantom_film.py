"""Film-like phantoms: the files and Info.txt a mini-MIAS user has, and their normal patches,
imported with --format mias and extracted, checked against the phantom's ground-truth breast."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import ndimage

from mammogan_core.annotations import mias
from mammogan_core.cli.main import run_cli
from mammogan_core.control import Control
from mammogan_core.extraction import ExtractParams, extract_patches
from mammogan_core.importing import import_dataset
from mammogan_core.io import read_image
from mammogan_core.phantom import generate_film_corpus
from mammogan_core.phantom.film import plan_film, render_film
from mammogan_core.phantom.plan import plan_image
from mammogan_core.phantom.render import render
from mammogan_core.preprocess.breast_mask import breast_mask
from mammogan_core.runner import drive
from mammogan_core.workspace import Workspace

N, SEED = 4, 3


@pytest.fixture(scope="module")
def films(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("film")
    summary = drive(generate_film_corpus(out, N, SEED))
    return out, summary


@pytest.fixture(scope="module")
def truth() -> dict[str, np.ndarray]:
    return {plan.ref: render_film(plan).breast for plan in (plan_film(SEED, i) for i in range(N))}


def test_files_are_8_bit_1024_pgms_with_a_mias_info_txt(films) -> None:  # type: ignore[no-untyped-def]
    out, summary = films
    assert summary["images"] == N and summary["spacing_mm"] == 0.2
    assert sorted(p.name for p in out.glob("*.pgm")) == [f"mdb{i:03d}.pgm" for i in range(1, N + 1)]
    image = read_image(out / "mdb001.pgm")
    assert image.pixels.dtype == np.uint8 and image.pixels.shape == (1024, 1024)
    aset = mias.parse(out / "Info.txt")
    assert len(aset.findings) == summary["findings"] > 0 and not aset.skipped
    assert set(aset.image_paths) == {f"mdb{i:03d}" for i in range(1, N + 1)}


def test_findings_are_where_the_lesions_were_drawn(films, truth) -> None:  # type: ignore[no-untyped-def]
    """Info.txt's bottom-left origin, read back by the mias parser, gives the drawn centres, and
    a mass is brighter there than the breast around it."""
    out, _ = films
    drawn = set()
    for i in range(N):
        plan = plan_film(SEED, i)
        for placed in plan.image.findings:
            x = plan.cols - 1 - placed.x if plan.image.mirrored else placed.x
            drawn.add((plan.ref, x, placed.y, placed.r))
    found = {
        (f.image_ref, f.geometry.cx, f.geometry.cy, f.geometry.r)
        for f in mias.parse(out / "Info.txt").findings
    }
    assert found == drawn
    for ref, cx, cy, _r in drawn:
        assert truth[ref][cy, cx]


def test_background_label_and_strip_are_there() -> None:
    for i in range(2):  # a right and a left breast
        film = render_film(plan_film(SEED, i))
        px, breast = film.pixels, film.breast
        assert 5 <= np.median(px[~breast]) <= 45 and px[~breast].std() > 2  # noisy, not 0
        assert film.label is not None
        x0, y0, x1, y1 = film.label
        assert np.median(px[y0:y1, x0:x1]) > 190 and px[y0:y1, x0:x1].min() < 100  # text
        # close to the skin line (1-4 mm), as on real scans, but not on it
        assert not breast[max(0, y0 - 5) : y1 + 5, max(0, x0 - 5) : x1 + 5].any()
        assert breast[max(0, y0 - 20) : y1 + 20, max(0, x0 - 20) : x1 + 20].any()
        # opposite the chest wall: on the left of a right breast; and one on the chest wall
        mirrored = plan_film(SEED, i).image.mirrored
        strip, wall = (slice(0, 8), slice(-8, None)) if mirrored else (slice(-8, None), slice(0, 8))
        assert np.median(px[:, strip]) > 150 and not breast[:, strip].any()
        assert np.median(px[:, wall]) > 140 and not breast[:, wall].any()
        # a dark halo beside the skin line: brighter than the far background, darker than tissue
        near = ndimage.binary_dilation(breast, iterations=10) & ~breast
        far = ~ndimage.binary_dilation(breast, iterations=200)
        far[:, strip] = far[:, wall] = False
        far &= px < 250  # not the white film edge
        assert np.median(px[near]) > np.median(px[far]) + 10
        assert np.median(px[near]) < np.median(px[breast])
        # a saturated white film edge along the top or the bottom
        assert (px[:10] == 255).all() or (px[-10:] == 255).all()


def test_normal_patches_stay_inside_the_breast(films, truth, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out, _ = films
    ws = Workspace.create(tmp_path / "ws")
    try:
        drive(import_dataset(ws, out, "mias", None, Control()))

        def outside(params: ExtractParams) -> np.ndarray:
            drive(extract_patches(ws, params, Control(), workers=0, redo=True))
            rows = ws.query(
                "SELECT i.path, p.x0, p.y0, p.x1, p.y1 FROM patches p JOIN images i"
                " ON i.id = p.image_id WHERE p.label = 'normal'"
            )
            return np.array(
                [1 - truth[Path(r[0]).stem][r[2] : r[4], r[1] : r[3]].mean() for r in rows]
            )

        auto = outside(ExtractParams())
        # breast tissue: none mostly off the breast (at most a chest-wall strip's 10-25 px)
        assert len(auto) >= 5 * N and (auto <= 0.25).all() and np.median(auto) == 0
        # the old rule on the same films: normal patches on background, label and strip
        old = outside(ExtractParams(mask="threshold", mask_threshold=0))
        assert (old > 0.25).mean() > 0.1
    finally:
        ws.close()


def test_digital_phantom_masks_are_as_before() -> None:
    """On the digital phantoms (air exactly 0) the automatic mask is the `> 0` mask, less at
    most a thin rim."""
    for index in range(4):  # CC and MLO, left and right, a MONOCHROME1 one included
        plan = plan_image(SEED, index, 1147, 957)
        pixels = render(plan).pixels
        if plan.patient.monochrome1:
            pixels = 4095 - pixels  # the reader's MONOCHROME2 values
        auto, seed_rule = breast_mask(pixels).grid, breast_mask(pixels, threshold=0).grid
        assert not (auto & ~seed_rule).any()
        assert (auto & seed_rule).sum() / seed_rule.sum() > 0.97


def test_cli_writes_film_phantoms(tmp_path: Path) -> None:
    outcome = run_cli(["phantom", "--film", "--out", str(tmp_path / "f"), "--n", "2", "--json"])
    assert outcome.exit_code == 0
    assert (tmp_path / "f" / "Info.txt").is_file() and (tmp_path / "f" / "mdb002.pgm").is_file()


def test_extract_mask_flags(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    Workspace.create(ws).close()
    clash = ["extract", "--workspace", str(ws), "--mask", "auto", "--mask-threshold", "5"]
    assert run_cli(clash).exit_code == 2
    manual = ["extract", "--workspace", str(ws), "--mask-threshold", "5", "--workers", "0"]
    assert run_cli(manual).exit_code == 0
    with Workspace.open(ws) as opened:
        stored = opened.query("SELECT value FROM meta WHERE key = 'extraction_params'")[0][0]
    params = ExtractParams.from_dict(json.loads(stored))
    assert (params.mask, params.breast_threshold) == ("threshold", 5.0)
    # a workspace extracted before the automatic mask existed used the threshold rule
    assert ExtractParams.from_dict({"mask_threshold": 0.0}).breast_threshold == 0.0
    assert ExtractParams().breast_threshold is None
