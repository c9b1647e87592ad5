"""One lesion-type rule: extract, train, export, review create and the t-SNE map declare the same
setting (flag, label, choices, help), each stating its default; the presets say truthfully what
they train; export's lesion class holds the chosen types only."""

from __future__ import annotations

import argparse

import numpy as np
import pytest

from mammogan_core.annotations.schema import FINDING_TYPES
from mammogan_core.cli.main import build_parser
from mammogan_core.export import ExportSettings, plan_export
from mammogan_core.extraction import ExtractParams
from mammogan_core.metrics.tsne_options import TsneOptions
from mammogan_core.review.options import ReviewSetOptions
from mammogan_core.settings import ALL, fields_of
from mammogan_core.training.config import PRESET_LESION_TYPES, PRESET_NOTES, PRESETS, TrainConfig

TAKERS = (ExtractParams, TrainConfig, ExportSettings, ReviewSetOptions, TsneOptions)


@pytest.mark.parametrize("cls", TAKERS)
def test_every_taker_declares_the_same_setting(cls) -> None:
    sf = next(f for f in fields_of(cls) if f.name == "lesion_types")
    assert sf.flag == "--lesion-types" and sf.spec.label == "Lesion types"
    assert sf.spec.choices == FINDING_TYPES and sf.spec.none == ALL and sf.default is None
    assert sf.spec.help.startswith("the lesion types to ") and "(all: every type" in sf.spec.help


def _help(*command: str) -> str:
    parser, _ = build_parser()
    for name in command:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[name]
    return " ".join(parser.format_help().split())


@pytest.mark.parametrize(
    ("command", "default"),
    [
        (("extract",), "all"),
        (("train",), "mass"),
        (("export",), "all"),
        (("review", "create"), "all"),
    ],
)
def test_the_help_states_the_default_of_each_command(command, default) -> None:
    text = _help(*command)
    assert "--lesion-types" in text and "the lesion types to" in text
    assert f"every type{'; without the flag' if command == ('train',) else ')'}" in text
    after = text[text.index("the lesion types to") :]
    assert f"(default: {default})" in after[:400]


def test_the_presets_say_what_they_train() -> None:
    assert set(PRESET_LESION_TYPES) == set(PRESETS)
    for name, config in PRESETS.items():
        assert config.lesion_types == PRESET_LESION_TYPES[name], name
    assert "masses" in PRESET_NOTES["alyafi2020"] and PRESETS["alyafi2020"].lesion_types == (
        "mass",
    )
    assert "every type" in PRESET_NOTES["cpu"] and PRESETS["cpu"].lesion_types is None
    assert "alyafi2020 mass; dcgan all; cpu all; small-data all; tiny all" in _help("train")
    assert "every type" in PRESET_NOTES["small-data"]


def test_export_holds_the_chosen_lesion_types_and_every_normal(workspace, tmp_path) -> None:
    types = ["mass"] * 4 + ["calcification"] * 3 + ["architectural_distortion"] * 2
    rows = [{"label": "lesion", "lesion_type": t, "split": "train"} for t in types]
    rows += [{"label": "normal", "lesion_type": None, "split": "train"}] * 5
    pixels = np.random.default_rng(0).integers(0, 255, (len(rows), 128, 128), dtype=np.uint8)
    workspace.add_patches(pixels, rows)

    def lesions(**changes) -> tuple[list[str], int]:
        plan = plan_export(
            workspace, ExportSettings(out=str(tmp_path / "o"), synthetic=0, **changes)
        )
        real = [it for it in plan.items if it.origin == "real"]
        return sorted(it.lesion_type for it in real if it.label == "lesion"), sum(
            it.label == "normal" for it in real
        )

    assert lesions() == (sorted(types), 5)  # the negative control: every type
    assert lesions(lesion_types=("mass",)) == (["mass"] * 4, 5)
    assert lesions(lesion_types=("calcification", "mass")) == (sorted(types[:7]), 5)
