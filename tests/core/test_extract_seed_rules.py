"""The seed's extraction rules and the named options that deviate from them: the grey-level
clean-up (normal patches only), lesion windows shifted inside the image at its border, box
ends, normal-patch drawing, and the `seed` / `default` presets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mammogan_core.cli.main import run_cli
from mammogan_core.extraction import ExtractParams
from mammogan_core.extraction.worker import FindingBox, ImageTask, cut_image
from mammogan_core.io.header import ImageHeader
from mammogan_core.preprocess.breast_mask import breast_mask
from mammogan_core.preprocess.crop import cut_patch
from mammogan_core.preprocess.lesion_patches import (
    LesionWindowOptions,
    lesion_window,
    padding,
    pixel_box,
    shift_inside,
)
from mammogan_core.preprocess.normal_patches import normal_windows
from mammogan_core.preprocess.normalise import Intensity
from mammogan_core.testing.catalogue import build_catalogue
from mammogan_core.workspace import Workspace

ROWS, COLS = 400, 300


def textured(rows: int = ROWS, cols: int = COLS, seed: int = 0) -> np.ndarray:
    """Tissue everywhere, no background: any black in a patch is padding."""
    return np.random.default_rng(seed).integers(1000, 2000, (rows, cols)).astype(np.uint16)


# Lesion centres at each border and each corner (x, y), radius 10 px.
EDGES = {
    "left": (12, 200),
    "right": (COLS - 13, 200),
    "top": (150, 12),
    "bottom": (150, ROWS - 13),
    "top-left": (12, 12),
    "top-right": (COLS - 13, 12),
    "bottom-left": (12, ROWS - 13),
    "bottom-right": (COLS - 13, ROWS - 13),
}


@pytest.mark.parametrize("where", list(EDGES))
def test_border_lesion_window_is_shifted_inside_not_padded(where: str) -> None:
    cx, cy = EDGES[where]
    img = textured()
    yy, xx = np.ogrid[:ROWS, :COLS]
    img[(yy - cy) ** 2 + (xx - cx) ** 2 <= 100] = 4000
    box = (cx - 10, cy - 10, cx + 11, cy + 11)
    opts = LesionWindowOptions(margin=2.0)  # a 105 px square: past the border when centred
    centred = lesion_window(box, opts)
    assert any(padding(centred, ROWS, COLS))  # the old window would have been padded
    window = lesion_window(box, opts, image_shape=(ROWS, COLS))
    x0, y0, x1, y1 = window
    assert (x1 - x0, y1 - y0) == (centred[2] - centred[0], centred[3] - centred[1])
    assert min(x0, y0) >= 0 and x1 <= COLS and y1 <= ROWS
    assert padding(window, ROWS, COLS) == (0, 0, 0, 0)
    assert x0 <= box[0] and y0 <= box[1] and box[2] <= x1 and box[3] <= y1  # lesion inside
    u8, _ = cut_patch(img, window, Intensity(0, 4000), 128)
    assert u8.min() > 0  # no black bar anywhere
    assert u8[0].min() > 0 and u8[-1].min() > 0 and u8[:, 0].min() > 0 and u8[:, -1].min() > 0
    # the old behaviour stays available as a named option
    padded = lesion_window(box, LesionWindowOptions(margin=2.0, border="pad"), None, (ROWS, COLS))
    assert padded == centred
    assert cut_patch(img, padded, Intensity(0, 4000), 128)[0].min() == 0


def test_window_longer_than_the_image_is_padded_evenly_on_that_axis_only() -> None:
    assert shift_inside((-50, 10, 350, 410), 400, 300) == (-50, 0, 350, 400)
    assert padding(shift_inside((-50, 10, 350, 410), 400, 300), 400, 300) == (50, 0, 50, 0)
    assert shift_inside((100, -20, 520, 400), 300, 400) == (-10, -60, 410, 360)
    assert shift_inside((10, 20, 30, 40), 400, 300) == (10, 20, 30, 40)  # inside: unchanged


def test_inclusive_box_ends_add_the_last_pixel() -> None:
    assert pixel_box((10, 20, 30, 40), "inclusive") == (10, 20, 31, 41)
    assert pixel_box((10, 20, 30, 40), "exclusive") == (10, 20, 30, 40)


def _cut(params: ExtractParams, img: np.ndarray, boxes: list) -> list[dict]:  # type: ignore[type-arg]
    task = ImageTask(
        1,
        "img.dcm",
        tuple(FindingBox(i, "mass", b) for i, b in enumerate(boxes)),
        0.1,
        params,
    )
    return cut_image(img, ImageHeader("img.dcm", True), task).rows


@pytest.mark.parametrize(("rule", "kept"), [("normal", 1), ("both", 0)])
def test_grey_level_rule_drops_flat_lesions_only_when_asked(rule: str, kept: int) -> None:
    img = textured()
    img[100:200, 100:200] = 1500  # a flat (saturated-looking) lesion: 1 grey level
    params = ExtractParams(grey_levels_rule=rule, lesion_shape="stretch", normal_per_image=0)
    rows = _cut(params, img, [(120, 120, 180, 180)])
    assert sum(r["label"] == "lesion" for r in rows) == kept


def test_flat_normal_patches_are_dropped_under_either_rule() -> None:
    img = np.full((ROWS, COLS), 1500, np.uint16)  # flat tissue: every normal window is flat
    for rule in ("normal", "both"):
        assert _cut(ExtractParams(grey_levels_rule=rule, mask="threshold"), img, []) == []
    assert len(_cut(ExtractParams(mask="threshold"), textured(), [])) > 0


def test_normal_overlap_and_whole_image_draw_are_options() -> None:
    img = textured(800, 600)
    img[:, 400:] = 0  # the breast fills the left two thirds
    mask = breast_mask(img)
    none = np.zeros((0, 4))

    def windows(count: int = 40, **kw):  # type: ignore[no-untyped-def]
        return normal_windows(mask, none, count, np.random.default_rng(1), **kw)

    def any_overlap(w: np.ndarray) -> bool:
        return any(
            not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])
            for i, a in enumerate(w)
            for b in w[i + 1 :]
        )

    assert not any_overlap(windows())
    seed = windows(overlap=True, draw="image")
    assert len(seed) == 40 and any_overlap(seed)
    assert (seed[:, 2] <= 400).all()  # drawn over the image, still accepted only in the breast
    # whole-image draws waste candidates on the background: fewer accepted in one round
    one = {"count": 100, "rounds": 1, "overlap": True}
    assert len(windows(draw="image", **one)) < len(windows(**one))


# The authors' extraction, written from ../shared/design/SEED_METHOD.md section 1 (and the
# issue's review of their code): every value `--preset seed` must set.
SEED_TABLE = {
    "normalise": "minmax",  # per-image (img - min) / (max - min) * 255, rounded
    "lesion_shape": "stretch",  # the bounding-box crop resized to 128 x 128
    "box_ends": "inclusive",  # X2, Y2 are the lesion's last pixels
    "scale": "box",
    "margin": 0.0,
    "max_lesion_px": 750,  # larger lesions skipped
    "normal_per_image": 10,  # up to 10 normal patches per image
    "candidates_per_round": 100,  # 100 random candidates per round
    "max_rounds": 5,  # at most 5 rounds
    "normal_margin_px": 0.0,  # zero overlap with any lesion box, no extra margin
    "normal_overlap": True,  # accepted normals are not checked against each other
    "normal_draw": "image",  # candidates drawn over the whole image
    "min_grey_levels": 30,  # fewer than 30 unique grey levels: discarded
    "grey_levels_rule": "normal",  # ... normal patches only
    "mask": "threshold",  # breast = image > 0, no threshold from the histogram
    "mask_threshold": 0.0,
}


def test_seed_preset_matches_the_table_from_the_method() -> None:
    seed = ExtractParams.preset("seed")
    assert {k: getattr(seed, k) for k in SEED_TABLE} == SEED_TABLE
    assert seed.preset_name() == "seed" and json.loads(seed.to_json())["preset"] == "seed"
    default = ExtractParams.preset("default")
    assert default == ExtractParams() and default.preset_name() == "default"
    assert ExtractParams.preset("seed", lesion_types=("mass",), seed=3).preset_name() == "seed"
    assert ExtractParams.preset("seed", lesion_shape="square").preset_name() == "custom"
    with pytest.raises(Exception, match="--preset"):
        ExtractParams.preset("paper")


def test_parameters_stored_before_these_options_keep_their_old_meaning() -> None:
    old = json.loads(ExtractParams().to_json())
    for key in ("lesion_border", "box_ends", "grey_levels_rule", "normal_overlap", "normal_draw"):
        del old[key]
    legacy = ExtractParams.from_dict(old)
    assert legacy.lesion_border == "pad" and legacy.grey_levels_rule == "both"
    assert legacy != ExtractParams()  # a re-run with today's defaults is noticed


@pytest.fixture
def ws_dir(tmp_path: Path) -> Path:
    with Workspace.create(tmp_path / "ws") as ws:
        build_catalogue(ws, tmp_path / "data", 3, lesions_per_image=(1, 2))
    return tmp_path / "ws"


def _extract(ws_dir: Path, capsys, *args: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    code = run_cli(["extract", "--workspace", str(ws_dir), "--workers", "0", "--json", *args])
    assert code.exit_code == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_cli_preset_seed_is_stored_with_the_patches(ws_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    summary = _extract(ws_dir, capsys, "--preset", "seed")
    assert summary["preset"] == "seed" and summary["lesion_patches"] == 4
    with Workspace.open(ws_dir) as ws:
        params = {json.loads(r[0])["preset"] for r in ws.query("SELECT params FROM patches")}
        meta = json.loads(ws.query("SELECT value FROM meta WHERE key='extraction_params'")[0][0])
        lesions = ws.query(
            "SELECT p.x0, p.y0, p.x1, p.y1, f.x0, f.y0, f.x1, f.y1 FROM patches p "
            "JOIN findings f ON f.id = p.finding_id"
        )
    assert params == {"seed"} and meta["preset"] == "seed" and meta["box_ends"] == "inclusive"
    for px0, py0, px1, py1, fx0, fy0, fx1, fy1 in lesions:  # the stretched box, one more pixel
        assert (px0, py0) == (np.floor(fx0), np.floor(fy0))
        assert (px1, py1) == (np.ceil(fx1 + 1), np.ceil(fy1 + 1))
    # another preset on the same workspace is a parameter change, refused without --redo
    code = run_cli(["extract", "--workspace", str(ws_dir), "--workers", "0"]).exit_code
    assert code == 2 and "preset: seed -> default" in capsys.readouterr().err


def test_cli_flags_override_the_preset_and_say_custom(ws_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    summary = _extract(ws_dir, capsys, "--preset", "seed", "--lesion-shape", "square")
    assert summary["preset"] == "custom"
    with Workspace.open(ws_dir) as ws:
        meta = json.loads(ws.query("SELECT value FROM meta WHERE key='extraction_params'")[0][0])
    assert meta["lesion_shape"] == "square" and meta["box_ends"] == "inclusive"


def test_window_longer_than_the_image_is_padded_and_says_so(ws_dir: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    # 128 px at 0.5 mm = 640 source px at 0.1 mm: longer than the 600-row image
    summary = _extract(
        ws_dir, capsys, "--scale", "fixed", "--mm-per-px", "0.5", "--normal-per-image", "0"
    )
    assert summary["lesion_patches"] == 4 and summary["lesions_padded"] == 4
    with Workspace.open(ws_dir) as ws:
        rows = ws.query("SELECT params, y0, y1 FROM patches WHERE label = 'lesion'")
    for params, y0, y1 in rows:
        assert json.loads(params)["padded"] == [70, 20, 70, 20]  # 640 x 640 over 500 x 600
        assert (y0, y1) == (-20, 620)
