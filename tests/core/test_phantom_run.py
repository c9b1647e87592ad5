"""The phantom as an operation: resume after a stop, CLI exit codes, texture statistics, montage."""

from __future__ import annotations

import json

import numpy as np
import pydicom
import pytest
from PIL import Image

from mammogan_core.cli.main import run_cli
from mammogan_core.control import Control
from mammogan_core.errors import InputError
from mammogan_core.events import Finished, Progress
from mammogan_core.phantom import generate_corpus
from mammogan_core.phantom.montage import montage
from mammogan_core.phantom.texture import power_law_noise, radial_power_slope
from mammogan_core.runner import drive

SMALL = {"rows": 256, "cols": 210}


def test_texture_has_power_law_spectrum_beta_3():
    rng = np.random.default_rng(0)
    slopes = [radial_power_slope(power_law_noise(rng, (512, 512), beta=3.0)) for _ in range(3)]
    assert all(-3.7 < s < -2.3 for s in slopes), slopes
    flatter = radial_power_slope(power_law_noise(rng, (512, 512), beta=1.5))
    assert -2.2 < flatter < -0.8


def test_stop_then_resume_finishes_without_redoing_images(tmp_path):
    control = Control()
    events = []
    for event in generate_corpus(tmp_path, 6, 1, control, **SMALL):
        events.append(event)
        if isinstance(event, Progress) and event.done == 2:
            control.stop()
    assert isinstance(events[-1], Finished) and events[-1].summary["stopped"] is True
    assert events[-1].summary["images"] == 2
    assert not (tmp_path / "annotations.csv").exists()  # written only for a complete corpus
    written = {p: p.stat().st_mtime_ns for p in tmp_path.glob("images/*/*.dcm")}
    assert len(written) == 2

    summary = drive(generate_corpus(tmp_path, 6, 1, **SMALL))
    assert summary["images"] == 6 and summary["reused"] == 2
    assert all(p.stat().st_mtime_ns == t for p, t in written.items())
    assert len(list(tmp_path.glob("images/*/*.dcm"))) == 6
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_different_size_replaces_stale_images(tmp_path):
    drive(generate_corpus(tmp_path, 1, 1, **SMALL))
    summary = drive(generate_corpus(tmp_path, 1, 1, rows=300, cols=240))
    assert summary["reused"] == 0
    ds = pydicom.dcmread(tmp_path / "images/case0001/case0001_R_CC.dcm")
    assert (ds.Rows, ds.Columns) == (300, 240)


@pytest.mark.parametrize("kwargs", [{"n": 0}, {"n": -3}, {"n": 2, "rows": 50}])
def test_bad_arguments_are_input_errors(tmp_path, kwargs):
    with pytest.raises(InputError):
        drive(generate_corpus(tmp_path, seed=0, **{**SMALL, **kwargs}))


def test_cli_prints_json_summary(tmp_path, capsys):
    out = tmp_path / "corpus"
    outcome = run_cli(
        [
            "phantom",
            "--out",
            str(out),
            "--n",
            "2",
            "--rows",
            "256",
            "--cols",
            "210",
            "--json",
            "--quiet",
        ]
    )
    assert outcome.exit_code == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["images"] == 2 and summary["out"] == str(out)
    assert summary["findings"] == len((out / "annotations.csv").read_text().splitlines()) - 1


def test_cli_rejects_bad_count_with_exit_2(tmp_path, capsys):
    outcome = run_cli(["phantom", "--out", str(tmp_path), "--n", "0"])
    assert outcome.exit_code == 2
    assert "at least 1" in capsys.readouterr().err


def test_montage_shows_four_views(tmp_path):
    drive(generate_corpus(tmp_path / "c", 4, 2020, **SMALL))
    png = montage(tmp_path / "c", tmp_path / "m.png", width=600)
    with Image.open(png) as im:
        assert im.width == 600 and im.mode == "RGB"
        grey = np.asarray(im.convert("L"))
    assert (grey == 0).mean() > 0.1 and grey.max() > 150  # black air, bright tissue
