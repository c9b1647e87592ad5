"""One declaration per setting: an operation's settings are one frozen dataclass whose fields
carry a `Setting` (label, help, choices, range, unit, group, advanced). From it come the
validation, the argparse flags, the JSON form and the GUI forms (app/forms), so a new setting
appears everywhere at once and a list of choices is typed once (magicgui builds napari widgets
from annotations the same way).

Names are the same from top to bottom: field `normal_margin_px` is the flag
`--normal-margin-px`, the JSON key `normal_margin_px` and the form row "Normal margin".
`None` has one spelling per meaning, shown to people as the word `all` (no filter) or
`default` (the model's or the machine's own choice).
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any

from .errors import InputError

ALL = "all"  # None of a filter: every value
DEFAULT = "default"  # None of a size or count: the model's or the machine's own choice
NONE_WORDS = (ALL, DEFAULT)


@dataclass(frozen=True)
class Setting:
    label: str
    help: str = ""
    choices: tuple[str, ...] = ()  # allowed values of a str, or of each item of a tuple[str, ...]
    lo: float | None = None  # inclusive bounds of a number (of each item of a tuple of numbers)
    hi: float | None = None
    lo_open: bool = False  # `lo < value` (a learning rate cannot be 0)
    unit: str = ""
    group: str = "Other"
    advanced: bool = False
    none: str = ""  # ALL or DEFAULT when None is allowed
    # Display hints for forms (no Qt here, only what a form needs to know).
    scientific: bool = False  # typed as text in scientific notation (learning rates)
    decimals: int = 3
    free_text: bool = False  # a choice list that also takes other text (e.g. cuda:1)
    joins: str | None = None  # shares the previous setting's form row, after this word
    path: str = ""  # "dir" or "file": a path, chosen in forms with a Browse button
    sep: str = ","  # between the items of a list typed as text (";" where items hold commas)
    positional: bool = False  # the command's operand (`mammogan import SOURCE`), not a --flag
    spaced: bool = False  # a list flag that also takes several values after it (`--k 10 25 50`)


def setting(default: Any = dataclasses.MISSING, **meta: Any) -> Any:
    """A dataclass field with its `Setting`; `default` may be a tuple (immutable)."""
    return dataclasses.field(default=default, metadata={"setting": Setting(**meta)})


@dataclass(frozen=True)
class SettingField:
    name: str
    kind: str  # bool | int | float | str | strs | ints | floats (a fixed-length tuple)
    optional: bool  # None allowed (spelled `spec.none`)
    spec: Setting
    default: Any
    length: int = 0  # items of a fixed-length tuple of numbers

    @property
    def flag(self) -> str:
        if self.spec.positional:
            return self.name.upper()
        return "--" + self.name.replace("_", "-")

    def describe(self) -> str:
        """`--flag` (label): how a message names this setting to CLI and GUI users alike."""
        return f"{self.spec.label} ({self.flag})"


def fields_of(cls: type) -> list[SettingField]:
    """The declared settings of a dataclass, in declaration order."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        spec = f.metadata.get("setting")
        if spec is None:
            continue
        kind, optional, length = _kind(hints[f.name], f.name)
        if optional and spec.none not in NONE_WORDS:
            raise TypeError(f"{cls.__name__}.{f.name}: say what None means (none=ALL or DEFAULT)")
        out.append(SettingField(f.name, kind, optional, spec, f.default, length))
    return out


def _kind(hint: Any, name: str) -> tuple[str, bool, int]:
    args = typing.get_args(hint)
    optional = typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args
    if optional:
        (hint,) = [a for a in args if a is not type(None)]
    if hint in (bool, int, float, str):
        return hint.__name__, optional, 0
    if typing.get_origin(hint) is tuple:
        items = typing.get_args(hint)
        if items == (str, Ellipsis):
            return "strs", optional, 0
        if items == (int, Ellipsis):
            return "ints", optional, 0
        if items and all(a is float for a in items):
            return "floats", optional, len(items)
    raise TypeError(f"setting {name}: unsupported type {hint!r}")


# ------------------------------------------------------------------------------ validation
def check(obj: Any) -> None:
    """Raise InputError naming the first setting of `obj` whose value breaks its declaration."""
    for sf in fields_of(type(obj)):
        problem = problem_of(sf, getattr(obj, sf.name))
        if problem:
            raise InputError(f"{sf.describe()}: {problem}")


def problem_of(sf: SettingField, value: Any) -> str:
    """Why `value` does not fit `sf`, or '' when it does."""
    if value is None:
        return "" if sf.optional else "a value is needed"
    spec = sf.spec
    if sf.kind == "bool":
        return "" if isinstance(value, bool) else f"must be true or false, not {value}"
    if sf.kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"must be a number, not {value}"
        if sf.kind == "int" and value != int(value):
            return f"must be a whole number, not {value}"
        return _range_problem(spec, value)
    if sf.kind == "str":
        if not isinstance(value, str):
            return f"must be text, not {value}"
        if spec.choices and not spec.free_text and value not in spec.choices:
            return f"{value!r} is not one of {', '.join(spec.choices)}"
        return ""
    if sf.kind == "strs":
        unknown = [v for v in value if spec.choices and v not in spec.choices]
        if unknown:
            return f"{', '.join(map(str, unknown))} not among {', '.join(spec.choices)}"
        return "" if value else f"name at least one (or {spec.none or 'a value'})"
    if sf.kind == "ints":
        if not value:
            return "give at least one number"
        wrong = [v for v in value if isinstance(v, bool) or not isinstance(v, int)]
        if wrong:
            return f"must be whole numbers, not {wrong[0]}"
        return next((p for p in (_range_problem(spec, v) for v in value) if p), "")
    if len(value) != sf.length:  # floats
        return f"needs {sf.length} numbers, not {len(value)}"
    return next((p for p in (_range_problem(spec, v) for v in value) if p), "")


def _range_problem(spec: Setting, value: float) -> str:
    low_ok = spec.lo is None or (value > spec.lo if spec.lo_open else value >= spec.lo)
    if low_ok and (spec.hi is None or value <= spec.hi):
        return ""
    lo = "" if spec.lo is None else f"{'above' if spec.lo_open else 'at least'} {spec.lo:g}"
    hi = "" if spec.hi is None else f"at most {spec.hi:g}"
    return f"must be {' and '.join(p for p in (lo, hi) if p)}, not {value:g}"


# ------------------------------------------------------------------------------ text values
def parse(sf: SettingField, text: str) -> Any:
    """A value from the text a person typed (a CLI flag, a form's text field)."""
    text = text.strip()
    if sf.optional and text.lower() in ("", sf.spec.none):  # an emptied field: the default
        return None
    try:
        if sf.kind == "int":
            value: Any = int(text)
        elif sf.kind == "float":
            value = float(text)
        elif sf.kind == "bool":
            value = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}[
                text.lower()
            ]
        elif sf.kind == "strs":
            value = tuple(v.strip() for v in text.split(sf.spec.sep) if v.strip())
        elif sf.kind == "floats":
            value = tuple(float(v) for v in text.split(","))
        elif sf.kind == "ints":
            value = tuple(int(v) for v in text.split(",") if v.strip())
        else:
            value = text
    except (ValueError, KeyError):
        raise InputError(f"{sf.describe()}: cannot read {text!r} as {_kind_words(sf)}") from None
    problem = problem_of(sf, value)
    if problem:
        raise InputError(f"{sf.describe()}: {problem}")
    return value


def format_value(sf: SettingField, value: Any) -> str:
    """The text form of a value, as `parse` reads it back."""
    if value is None:
        return sf.spec.none
    if sf.kind in ("strs", "floats", "ints"):
        joiner = "," if sf.spec.sep == "," else f"{sf.spec.sep} "
        return joiner.join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
    if sf.kind == "bool":
        return "true" if value else "false"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _kind_words(sf: SettingField) -> str:
    words = {
        "int": "a whole number",
        "float": "a number",
        "bool": "true or false",
        "strs": "a comma-separated list"
        if sf.spec.sep == ","
        else f"a {sf.spec.sep!r}-separated list",
        "floats": f"{sf.length} comma-separated numbers",
        "ints": "comma-separated whole numbers",
        "str": "text",
    }[sf.kind]
    return f"{words} or {sf.spec.none!r}" if sf.optional else words


# ------------------------------------------------------------------------------ argparse
def add_arguments(parser: argparse.ArgumentParser, cls: type, defaults: Any = None) -> None:
    """One flag per setting of `cls`, in argument groups named after the settings' groups.

    Flags default to 'not given' (argparse.SUPPRESS) so that `from_args` changes only what the
    user typed on top of a preset or a configuration file; the help shows `defaults`' values
    (the dataclass defaults when None).
    """
    defaults = defaults if defaults is not None else cls()
    groups: dict[str, argparse._ArgumentGroup] = {}
    for sf in fields_of(cls):
        title = f"{sf.spec.group.lower()} settings" + (" (advanced)" if sf.spec.advanced else "")
        group = groups.get(title) or groups.setdefault(title, parser.add_argument_group(title))
        shown = format_value(sf, getattr(defaults, sf.name))
        unit = f" [{sf.spec.unit}]" if sf.spec.unit else ""
        help_text = f"{sf.spec.help or sf.spec.label}{unit} (default: {shown or 'none'})"
        help_text = help_text.replace("%", "%%")
        if sf.spec.positional:
            what = (sf.spec.help or sf.spec.label).replace("%", "%%")
            group.add_argument(sf.name, type=_ArgType(sf), metavar=sf.flag, help=what)
            continue
        if sf.kind == "bool":
            group.add_argument(
                sf.flag,
                action=argparse.BooleanOptionalAction,
                default=argparse.SUPPRESS,
                help=help_text,
            )
            continue
        choices = sf.spec.choices
        if sf.kind == "str" and choices and not sf.spec.free_text:
            metavar = "{" + ",".join(choices + ((sf.spec.none,) if sf.optional else ())) + "}"
        elif sf.kind == "strs":
            sep = sf.spec.sep
            metavar = sep.join(choices[:2]) + (f"{sep}..." if len(choices) > 2 else "")
            metavar = metavar or f"A{sep}B"
        else:
            metavar = sf.name.upper()
        group.add_argument(
            sf.flag,
            type=_ArgType(sf),
            action=_Extend if sf.kind in ("strs", "ints") else "store",
            nargs="+" if sf.spec.spaced else None,
            default=argparse.SUPPRESS,
            metavar=metavar,
            help=help_text,
        )


class _Extend(argparse.Action):
    """A list flag given again adds to the list (`--filter A --filter B`); its word for None
    (`all`) clears it."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        if isinstance(values, list):  # a spaced flag: one parsed tuple per value typed
            values = None if None in values else tuple(v for part in values for v in part)
        before = getattr(namespace, self.dest, None)
        if values is not None and before:
            values = tuple(dict.fromkeys((*before, *values)))
        setattr(namespace, self.dest, values)


class _ArgType:
    """argparse `type=`: parses and validates, so errors read 'argument --x: ...' with exit 2."""

    def __init__(self, sf: SettingField) -> None:
        self.sf = sf
        self.__name__ = sf.name  # argparse names the type in its messages

    def __call__(self, text: str) -> Any:
        try:
            return parse(self.sf, text)
        except InputError as exc:
            raise argparse.ArgumentTypeError(
                exc.reason.removeprefix(f"{self.sf.describe()}: ")
            ) from None


def given(args: argparse.Namespace, cls: type) -> dict[str, Any]:
    """The settings of `cls` the user typed on the command line."""
    return {sf.name: getattr(args, sf.name) for sf in fields_of(cls) if hasattr(args, sf.name)}


def from_args(args: argparse.Namespace, base: Any) -> Any:
    """`base` with the settings typed on the command line applied (and validated)."""
    return dataclasses.replace(base, **given(args, type(base)))


# ------------------------------------------------------------------------------ JSON
def to_dict(obj: Any) -> dict[str, Any]:
    """JSON-ready values of every field (tuples as lists)."""
    return {
        f.name: list(v) if isinstance(v := getattr(obj, f.name), tuple) else v
        for f in dataclasses.fields(obj)
    }


def from_dict(cls: type, d: dict[str, Any], *, strict: bool = True) -> Any:
    """An instance from JSON values; unknown keys are an error (strict) or skipped (stored
    records from an older or newer version)."""
    kinds = {sf.name: sf.kind for sf in fields_of(cls)}
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(d) - names)
    if unknown and strict:
        raise InputError(
            f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(names))}"
        )
    values = {
        k: tuple(v) if kinds.get(k) in ("strs", "ints", "floats") and isinstance(v, list) else v
        for k, v in d.items()
        if k in names
    }
    try:
        return cls(**values)
    except TypeError as exc:
        raise InputError(f"invalid settings ({exc})") from None
