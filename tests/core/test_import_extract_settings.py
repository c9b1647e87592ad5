"""The import and extraction settings: each one a CLI flag, the stored extraction JSON read back
as it was written before the settings were declared, and the format list from the registry."""

from __future__ import annotations

import argparse
import json

import pytest

from mammogan_core import settings as st
from mammogan_core.cli.main import build_parser
from mammogan_core.errors import InputError
from mammogan_core.extraction import ExtractParams, ExtractRun
from mammogan_core.importing.options import ImportOptions

# Written by ExtractParams.to_json() before its fields were declared as settings (commit
# f67befa): a workspace extracted then must read back as the same parameters.
STORED_DEFAULT = (
    '{"box_ends": "exclusive", "candidates_per_round": 100, "grey_levels_rule": "normal", '
    '"lesion_border": "shift", "lesion_shape": "square", "lesion_types": [], "margin": 0.0, '
    '"mask": "auto", "mask_threshold": 0.0, "max_lesion_px": 750, "max_rounds": 5, '
    '"min_grey_levels": 30, "mm_per_px": null, "normal_draw": "bounds", '
    '"normal_margin_px": 0.0, "normal_overlap": false, "normal_per_image": 10, '
    '"normalise": "minmax", "pad": "constant", "percentiles": [0.5, 99.5], '
    '"preset": "default", "scale": "box", "seed": 0, "split_fractions": [0.7, 0.15, 0.15], '
    '"uint16": false}'
)
STORED_SEED_MASSES = (
    '{"box_ends": "inclusive", "candidates_per_round": 100, "grey_levels_rule": "normal", '
    '"lesion_border": "shift", "lesion_shape": "stretch", "lesion_types": ["mass"], '
    '"margin": 0.0, "mask": "threshold", "mask_threshold": 0.0, "max_lesion_px": 750, '
    '"max_rounds": 5, "min_grey_levels": 30, "mm_per_px": null, "normal_draw": "image", '
    '"normal_margin_px": 0.0, "normal_overlap": true, "normal_per_image": 10, '
    '"normalise": "minmax", "pad": "constant", "percentiles": [0.5, 99.5], "preset": "seed", '
    '"scale": "box", "seed": 3, "split_fractions": [0.7, 0.15, 0.15], "uint16": false}'
)


def _subparser(name: str) -> argparse.ArgumentParser:
    parser, _ = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]


@pytest.mark.parametrize(
    ("command", "classes"),
    [("extract", (ExtractRun, ExtractParams)), ("import", (ImportOptions,))],
)
def test_every_setting_is_a_flag_of_its_command(command, classes):
    actions = {a.dest: a for a in _subparser(command)._actions}
    for cls in classes:
        for sf in st.fields_of(cls):
            assert sf.name in actions, f"{cls.__name__}.{sf.name} has no flag in `{command}`"
            want = [] if sf.spec.positional else [sf.flag]
            assert [s for s in actions[sf.name].option_strings if s.startswith("--")][:1] == want


def test_stored_parameters_read_back_and_are_written_as_before():
    # extracted before the background-share net: read back without it, so the app offers to
    # extract again with today's defaults
    before_net = ExtractParams(normal_max_background=1.0)
    assert ExtractParams.from_dict(json.loads(STORED_DEFAULT)) == before_net
    seed = ExtractParams.preset("seed", lesion_types=("mass",), seed=3)
    assert ExtractParams.from_dict(json.loads(STORED_SEED_MASSES)) == seed
    assert json.loads(ExtractParams().to_json()) == {
        **json.loads(STORED_DEFAULT),
        "normal_max_background": 0.05,
    }
    assert json.loads(seed.to_json()) == {
        **json.loads(STORED_SEED_MASSES),
        "normal_max_background": 1.0,
    }
    assert ExtractParams().lesion_types is None  # every type: None, as `--lesion-types all`


def test_cross_field_checks_name_the_setting_a_form_highlights():
    with pytest.raises(InputError, match=r"Patch resolution \(--mm-per-px\): scale fixed"):
        ExtractParams(scale="fixed")
    with pytest.raises(InputError, match=r"--split-fractions\): the three fractions must sum"):
        ExtractParams(split_fractions=(0.5, 0.5, 0.5))
    with pytest.raises(InputError, match=r"--percentiles\): the low percentile"):
        ExtractParams(percentiles=(99.0, 1.0))
    with pytest.raises(InputError, match=r"--mask-threshold\): a manual threshold"):
        ExtractParams(mask_threshold=5.0)
    with pytest.raises(InputError, match=r"Header filters \(--filter\): bad filter 'Modality'"):
        ImportOptions("x", filter=("Modality",))


def test_import_flags_repeat_and_take_semicolons():
    p = _subparser("import")
    args = p.parse_args(["SRC", "--filter", "Modality=MG", "--filter", "Manufacturer~GE, Inc."])
    options = st.from_args(args, ImportOptions())
    assert options == ImportOptions("SRC", filter=("Modality=MG", "Manufacturer~GE, Inc."))
    args = p.parse_args(["SRC", "--filter", "Modality=MG; Rows=3328", "--annotations", "a.csv"])
    options = st.from_args(args, ImportOptions())
    assert options.filter == ("Modality=MG", "Rows=3328") and options.annotations == "a.csv"
    assert [str(f) for f in options.header_filters()] == ["Modality=MG", "Rows=3328"]
    with pytest.raises(InputError, match="choose the dataset folder"):
        _ = ImportOptions().source_path


def test_the_format_choices_are_the_importers_registry():
    from mammogan_core.importing.formats import FORMATS

    (sf,) = [sf for sf in st.fields_of(ImportOptions) if sf.name == "format"]
    assert sf.spec.choices == ("auto", *FORMATS)
