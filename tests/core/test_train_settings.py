"""Training and generation settings declared once: every setting is a flag of its command, the
flags go on top of a preset, a configuration file or a stored run, and stored runs of older
versions still load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mammogan_core import settings
from mammogan_core.cli.main import build_parser
from mammogan_core.errors import InputError
from mammogan_core.training import PRESETS, TrainConfig, load_config_file, preset_config
from mammogan_core.training.config import PRESET_NOTES
from mammogan_core.training.generate_options import GenerateOptions
from mammogan_core.training.results import GenerateResult, TrainResult


def _subparser(command: str):
    parser, _ = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sub.choices[command]


@pytest.mark.parametrize(
    ("command", "cls"), [("train", TrainConfig), ("generate", GenerateOptions)]
)
def test_every_setting_is_a_flag_of_its_command(command, cls):
    flags = {s for a in _subparser(command)._actions for s in a.option_strings}
    missing = [sf.flag for sf in settings.fields_of(cls) if sf.flag not in flags]
    assert not missing, f"settings without a flag of mammogan {command}: {missing}"


def test_every_preset_has_its_note_and_is_a_choice_of_the_preset_setting():
    assert list(PRESETS) == list(PRESET_NOTES)
    (preset,) = [sf for sf in settings.fields_of(TrainConfig) if sf.name == "preset"]
    assert preset.spec.choices == tuple(PRESETS)


def _train_args(*argv: str):
    parser, _ = build_parser()
    return parser.parse_args(["train", *argv])


def test_flags_change_the_preset_they_start_from():
    args = _train_args("--preset", "dcgan", "--lr-g", "1e-3", "--split", "all", "--nz", "16")
    config = settings.from_args(args, preset_config(args.preset))
    assert (config.preset, config.lr_g, config.lr_d) == ("dcgan", 1e-3, 2e-4)
    assert (config.split, config.nz, config.betas) == (None, 16, (0.5, 0.999))
    args = _train_args("--lesion-types", "all", "--pathology", "malignant", "--no-flip-v")
    config = settings.from_args(args, PRESETS["alyafi2020"])
    assert (config.lesion_types, config.pathology, config.flip_v) == (None, ("malignant",), False)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--lr-d", "0"], "must be above 0"),
        (["--amp", "fp16"], "'fp16' is not one of auto, bf16, off"),
        (["--nz", "wide"], "a whole number or 'default'"),
        (["--lesion-types", "mass,cyst"], "cyst not among mass, calcification"),
    ],
)
def test_bad_flags_say_why(argv, words, capsys):
    with pytest.raises(SystemExit):
        _train_args(*argv)
    assert words in capsys.readouterr().err


def test_cross_field_checks_name_the_flags():
    with pytest.raises(InputError) as info:
        TrainConfig(real_label_min=0.9, real_label_max=0.8)
    assert "(--real-label-max): must not be below --real-label-min (0.9)" in str(info.value)


def test_an_older_runs_stored_config_loads_and_keeps_its_schedule(tmp_path: Path):
    """A run recorded before `pathology` existed, read by a version that added a key too."""
    current = PRESETS["tiny"].to_dict()
    older = {k: v for k, v in current.items() if k != "pathology"}
    config = TrainConfig.from_dict({**older, "a_newer_setting": 1}, strict=False)
    assert config == PRESETS["tiny"] and config.schedule_hash() == PRESETS["tiny"].schedule_hash()
    with pytest.raises(InputError, match="unknown setting"):  # a file typed by hand: a typo
        TrainConfig.from_dict({**older, "a_newer_setting": 1})
    run_config = tmp_path / "config.json"
    run_config.write_text(json.dumps({"train": older, "seed": 0}))
    assert load_config_file(str(run_config)) == PRESETS["tiny"]
    run_config.write_text(json.dumps({"train": {**older, "lr_g": -1}}))
    with pytest.raises(InputError) as info:
        load_config_file(str(run_config))
    assert str(run_config) in str(info.value) and "(--lr-g): must be above 0" in str(info.value)


def test_generate_needs_one_source_and_names_the_flags():
    with pytest.raises(InputError, match="--weights"):
        GenerateOptions(run="r", weights="w.pt")
    with pytest.raises(InputError, match=r"\(--run\): name a training run"):
        GenerateOptions().require_source()
    with pytest.raises(InputError, match=r"\(--checkpoint\): best, last or a step number"):
        GenerateOptions(run="r", checkpoint="newest")
    assert GenerateOptions(run="r", checkpoint="120").checkpoint == "120"


def test_results_keep_the_json_keys():
    train = TrainResult("r", "d", 4, 1, "c.pt", 0, 9.5, "cpu", "finished", ("w",))
    assert set(train.to_dict()) == {
        "run",
        "run_dir",
        "steps",
        "epochs",
        "checkpoint",
        "resumed_from_step",
        "images_per_s",
        "device",
        "status",
        "warnings",
    }
    stopped = TrainResult("r", "d", 4, 1, "c.pt", 0, 9.5, "cpu", "stopped", (), "mammogan …")
    assert stopped.to_dict()["resume_command"] == "mammogan …"
    generated = GenerateResult("finished", 2, "out", ("a.png", "b.png")).to_dict()
    assert generated == {
        "status": "finished",
        "patches": 2,
        "out": "out",
        "files": ["a.png", "b.png"],
    }
