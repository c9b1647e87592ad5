"""Settings declared once: validation, flags, text and JSON forms come from the declaration."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import pytest

from mammogan_core import settings as st
from mammogan_core.errors import InputError


@dataclass(frozen=True)
class Toy:
    lr: float = st.setting(2e-4, label="Learning rate", lo=0, hi=1, lo_open=True, group="Optimiser")
    epochs: int = st.setting(10, label="Epochs", lo=1, unit="epochs", group="Schedule")
    shape: str = st.setting("square", label="Shape", choices=("square", "stretch"))
    types: tuple[str, ...] | None = st.setting(
        None, label="Types", choices=("mass", "calcification"), none=st.ALL
    )
    width: int | None = st.setting(None, label="Width", lo=1, none=st.DEFAULT, advanced=True)
    band: tuple[float, float] = st.setting((0.5, 99.5), label="Band", lo=0, hi=100)
    flip: bool = st.setting(True, label="Flip")
    note: str = "not a setting"

    def __post_init__(self) -> None:
        st.check(self)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="toy", exit_on_error=False)
    st.add_arguments(p, Toy)
    return p


def test_declared_fields_in_order_with_their_kinds():
    got = [(f.name, f.kind, f.optional) for f in st.fields_of(Toy)]
    assert got == [
        ("lr", "float", False),
        ("epochs", "int", False),
        ("shape", "str", False),
        ("types", "strs", True),
        ("width", "int", True),
        ("band", "floats", False),
        ("flip", "bool", False),
    ]
    assert st.fields_of(Toy)[3].flag == "--types"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"lr": 0.0}, "Learning rate (--lr): must be above 0"),
        ({"epochs": 0}, "Epochs (--epochs): must be at least 1, not 0"),
        ({"shape": "round"}, "'round' is not one of square, stretch"),
        ({"types": ("mass", "cyst")}, "cyst not among mass, calcification"),
        ({"types": ()}, "name at least one (or all)"),
        ({"band": (1.0,)}, "needs 2 numbers"),
        ({"band": (1.0, 101.0)}, "at most 100, not 101"),
        ({"flip": "yes"}, "must be true or false"),
        ({"epochs": 2.5}, "must be a whole number"),
    ],
)
def test_validation_names_the_setting_and_the_reason(change, words):
    with pytest.raises(InputError) as info:
        Toy(**change)
    assert words in str(info.value)


def test_flags_apply_only_what_was_typed_on_top_of_a_base():
    base = Toy(epochs=50)
    args = _parser().parse_args(["--lr", "1e-3", "--types", "mass", "--no-flip", "--width", "8"])
    got = st.from_args(args, base)
    assert (got.lr, got.epochs, got.types, got.flip, got.width) == (1e-3, 50, ("mass",), False, 8)
    assert (
        st.from_args(_parser().parse_args(["--types", "all"]), Toy(types=("mass",))).types is None
    )
    assert st.from_args(_parser().parse_args(["--band", "1,99"]), base).band == (1.0, 99.0)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--types", "mass,cyst"], "cyst not among mass, calcification"),
        (["--epochs", "many"], "cannot read 'many' as a whole number"),
        (["--width", "wide"], "a whole number or 'default'"),
        (["--shape", "round"], "not one of square, stretch"),
    ],
)
def test_bad_flags_are_argparse_errors_with_the_reason(argv, words):
    with pytest.raises(argparse.ArgumentError) as info:
        _parser().parse_args(argv)
    assert words in str(info.value)


def test_help_lists_groups_units_and_defaults():
    text = _parser().format_help()
    assert "optimiser settings" in text and "other settings (advanced)" in text
    assert "[epochs] (default: 10)" in text
    assert "--types mass,calcification" in text
    assert "(default: all)" in text and "(default: default)" in text


def test_text_round_trip_and_json_round_trip():
    toy = Toy(types=("mass", "calcification"), width=None, band=(1.0, 99.0))
    for sf in st.fields_of(Toy):
        assert st.parse(sf, st.format_value(sf, getattr(toy, sf.name))) == getattr(toy, sf.name)
    d = st.to_dict(toy)
    assert d["types"] == ["mass", "calcification"] and d["band"] == [1.0, 99.0]
    assert st.from_dict(Toy, d) == toy


def test_json_unknown_keys_strict_or_skipped():
    with pytest.raises(InputError, match="unknown setting"):
        st.from_dict(Toy, {"epochs": 3, "colour": "red"})
    assert st.from_dict(Toy, {"epochs": 3, "colour": "red"}, strict=False).epochs == 3


def test_optional_needs_its_meaning():
    @dataclass(frozen=True)
    class Bad:
        size: int | None = st.setting(None, label="Size")

    with pytest.raises(TypeError, match="say what None means"):
        st.fields_of(Bad)
